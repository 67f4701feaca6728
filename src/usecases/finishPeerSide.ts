import type { AccepterAccounts } from "../domain/accepter/accounts.js";
import type { PeerSideRequest } from "../domain/accepter/request.js";
import type { PeerSideReport } from "../domain/accepter/steps.js";
import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { leaseUntil } from "../domain/change/lifecycle.js";
import {
  awaitsPeerAcceptance,
  claimPeerSide,
  mayRunPeerSide,
  peerSideRequestFor,
  withPeerSideReport,
} from "../domain/change/peerSide.js";
import { audit, changeAuditFields } from "./audit.js";
import type { ChangeDeps, PeerSideDeps } from "./ChangeDeps.js";
import { persistChange } from "./persistChange.js";

/**
 * Below this much invocation time left, no run starts (AssumeRole, the describes and writes, and the wait
 * for `active` before the DNS option take seconds): the next check runs it.
 */
const PEER_SIDE_MIN_MS = 20_000;

/**
 * The gateway's part on the peer's AWS side, after a check recorded Atlas's answer (`change`, as stored):
 * when Atlas reports PENDING_ACCEPTANCE with a pcx for an account configured with a role, assume the role,
 * accept in the accepter region, make the routes, verify, and record what was done: each change as a history
 * note, one audit record, and the remediation when an operator must act. Never sends anything to Atlas and
 * never fails the check: Atlas's outcome is stored first, the report after it (conditionally on the version).
 * Returns the change as stored afterwards.
 */
export async function finishPeerSide(
  change: ChangeRecord,
  deps: ChangeDeps,
  deadline: number,
): Promise<ChangeRecord> {
  const peerSide = deps.peerSide;
  if (peerSide === undefined || !awaitsPeerAcceptance(change)) return change;
  const accounts = await accountsOf(peerSide, change, deps);
  const request = accounts === undefined ? undefined : peerSideRequestFor(change, accounts);
  if (request === undefined || !mayRunPeerSide(change, request, deps.now())) return change;
  if (deadline - deps.now() < PEER_SIDE_MIN_MS) {
    deps.logger.info("too little time left for the peer side; the next check runs it", {
      changeId: change.id,
    });
    return change;
  }
  const claim = claimPeerSide(change, deps.now(), leaseUntil(deps.now(), deadline));
  if (!(await deps.store.update(claim, change.version))) return change;
  const report = await run(peerSide, request, deps);
  const { next, notes } = withPeerSideReport(claim, request, report, deps.now(), deps.cadence);
  if (!(await persistChange(claim, next, deps))) return claim;
  deps.logger.info("peer side run", {
    changeId: change.id,
    pcxId: request.pcxId,
    accountId: request.accountId,
    region: request.region,
    outcome: report.outcome,
    steps: report.steps.length,
  });
  if (notes.length > 0) {
    const detail = notes.join("; ");
    await audit(
      deps,
      changeAuditFields(next, "peer-side", { reason: report.outcome, detail, steps: report.steps }),
    );
  }
  return next;
}

/** The configured accounts; undefined (logged) when the registry cannot be read: the change waits as before. */
async function accountsOf(
  peerSide: PeerSideDeps,
  change: ChangeRecord,
  deps: ChangeDeps,
): Promise<AccepterAccounts | undefined> {
  try {
    return await peerSide.accounts.accepterAccounts();
  } catch (error) {
    deps.logger.error("cannot read the accepter accounts; the peer side waits", {
      changeId: change.id,
      error: error as Error,
    });
    return undefined;
  }
}

/** The port never throws for AWS failures; anything else becomes an incomplete run, retried at the next check. */
async function run(
  peerSide: PeerSideDeps,
  request: PeerSideRequest,
  deps: ChangeDeps,
): Promise<PeerSideReport> {
  try {
    return await peerSide.side.acceptAndConnect(request);
  } catch (error) {
    deps.logger.error("the peer side failed unexpectedly; the next check retries it", {
      changeId: request.changeId,
      error: error as Error,
    });
    return { outcome: "incomplete", steps: [] };
  }
}
