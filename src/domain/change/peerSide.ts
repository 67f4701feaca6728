/**
 * What a run on the peer's AWS side (src/domain/accepter) leaves on a change: a short history note for each
 * thing it changed, one for the failure that stops it (once, not on every check), a summary for the view's
 * remediation, and the pace of the next run. Pure: the re-check path persists the result.
 */
import { createHash } from "node:crypto";
import type { AccepterAccounts } from "../accepter/accounts.js";
import { MONGODB_PORTS } from "../accepter/plan.js";
import { type PeerSideRequest, peerSideRequest } from "../accepter/request.js";
import type { PeerSideReport, PeerSideStep } from "../accepter/steps.js";
import { awsAccepterRegion, setting } from "../peering/providers/observed.js";
import type { ChangeRecord, PeerSideSummary, Transition } from "./ChangeRecord.js";
import { type CadencePolicy, nextCheckTime } from "./cadence.js";
import { desiredSettings } from "./nextAction.js";

/** Every failure note starts so; the last one is not written again. */
const FAILURE_PREFIX = "peer side ";
const MAX_NOTE = 200;

/** Whether the change waits for the AWS peer's owner to accept Atlas's request (the only time to act). */
export function awaitsPeerAcceptance(change: ChangeRecord): boolean {
  return (
    change.provider === "AWS" &&
    change.state === "WAITING_FOR_USER" &&
    change.atlas.status === "PENDING_ACCEPTANCE"
  );
}

/**
 * The request for the peer's side from what Atlas answered (the peer's settings as Atlas holds them, else the
 * body asked), its container and the configured accounts; undefined when the gateway does not act there.
 */
export function peerSideRequestFor(
  change: ChangeRecord,
  accounts: AccepterAccounts,
): PeerSideRequest | undefined {
  const desired = desiredSettings(change.desired);
  const answer = peerSideRequest(
    {
      changeId: change.id,
      statusName: change.atlas.status,
      connectionId: change.atlas.connectionId,
      awsAccountId: setting(change, desired, "awsAccountId"),
      vpcId: setting(change, desired, "vpcId"),
      accepterRegionName: awsAccepterRegion(change, desired) ?? null,
      container: change.container,
    },
    accounts,
  );
  return answer.ok ? answer.request : undefined;
}

/**
 * `change` marked with the peer's account while its request waits in an account the registry's `awsAccounts`
 * lists (the gateway, not a person, accepts there: the next action says so), unmarked once it is not listed.
 * Unchanged while the change waits for no acceptance: the mark is only read then.
 */
export function markAccepterAccount(change: ChangeRecord, accounts: AccepterAccounts): ChangeRecord {
  if (!awaitsPeerAcceptance(change)) return change;
  const account = setting(change, desiredSettings(change.desired), "awsAccountId");
  const listed = account !== undefined && accounts.has(account) ? account : undefined;
  if (listed === change.accepterAccountId) return change;
  const { accepterAccountId: _old, ...rest } = change;
  return listed === undefined ? rest : { ...rest, accepterAccountId: listed };
}

/**
 * Whether `next` records the first stop (failed, not acceptable) of the gateway's run for its inputs (pcx,
 * region, CIDR, account settings): the write then tells whoever asked, once, with the remediation. A run
 * that fails again with the same inputs at the human-wait pace tells nobody again.
 */
export function peerSideStoppedAnew(previous: ChangeRecord, next: ChangeRecord): boolean {
  const now = next.peerSide;
  if (now === undefined || !stopped(now) || previous.peerSide === now) return false;
  const before = previous.peerSide;
  return before === undefined || !stopped(before) || before.inputs !== now.inputs;
}

function stopped(summary: PeerSideSummary): boolean {
  return summary.outcome === "failed" || summary.outcome === "not-acceptable";
}

/** A digest of what a run is given: a new pcx, region, CIDR or account setting means a run at once. */
export function peerSideInputs(request: PeerSideRequest): string {
  const { changeId: _change, ...given } = request;
  return createHash("sha256").update(JSON.stringify(given)).digest("hex").slice(0, 16);
}

/**
 * Whether to run now: not while the last run with the same inputs failed (an operator must act) and its
 * retry time has not come, so a broken role is tried at the human-wait pace, not on every look.
 */
export function mayRunPeerSide(change: ChangeRecord, request: PeerSideRequest, now: number): boolean {
  const last = change.peerSide;
  if (last === undefined || last.inputs !== peerSideInputs(request)) return true;
  if (last.outcome !== "failed" && last.outcome !== "not-acceptable") return true;
  return now >= (last.retryAt ?? 0);
}

/** The notes of a run: what it changed, then the failure that stopped it (absent when the run is done). */
export function peerSideNotes(request: PeerSideRequest, report: PeerSideReport): string[] {
  const notes = report.steps.filter(changedSomething).map((step) => changeNote(request, step));
  const failed = report.steps.find((step) => !step.ok);
  if (report.outcome !== "done" && failed !== undefined) notes.push(failureNote(report, failed));
  return notes.map((note) => (note.length > MAX_NOTE ? `${note.slice(0, MAX_NOTE - 1)}…` : note));
}

/**
 * The write that claims a run before it starts: while the lease holds, other checks keep off (they find the
 * change leased), so two runs never act on one pcx at once and no run's report is lost to a concurrent write.
 * A run that dies leaves the lease to expire; the sweeper then finds the change overdue.
 */
export function claimPeerSide(change: ChangeRecord, now: number, lease: number): ChangeRecord {
  return { ...change, version: change.version + 1, updatedAt: now, leaseUntil: lease };
}

/**
 * The claimed change after a run: its notes in the history (the failure note only when it is not the last
 * one already), the summary, the lease ended, and the next check. Done or incomplete: soon (the re-check
 * delay), so Atlas is followed to AVAILABLE or the run retried; failed or not acceptable: as scheduled (the
 * human-wait backoff), and no run with the same inputs before then. The attempt moves on: a check that fell
 * due during the run was turned away by the lease, so the next one is scheduled afresh.
 */
export function withPeerSideReport(
  claimed: ChangeRecord,
  request: PeerSideRequest,
  report: PeerSideReport,
  now: number,
  policy: CadencePolicy,
): { next: ChangeRecord; notes: string[] } {
  const { leaseUntil: _ended, ...change } = claimed;
  const lastFailure = [...change.history].reverse().find((t) => t.note?.startsWith(FAILURE_PREFIX))?.note;
  const notes = peerSideNotes(request, report).filter((note) => note !== lastFailure);
  const stuck = report.outcome === "failed" || report.outcome === "not-acceptable";
  const soon = nextCheckTime(now, policy.recheckDelayMs, change.deadline);
  const earlier = !stuck && (change.nextCheckAt === undefined || soon < change.nextCheckAt);
  const nextCheckAt = earlier ? soon : (change.nextCheckAt ?? soon);
  const summary: PeerSideSummary = {
    pcxId: request.pcxId,
    outcome: report.outcome,
    at: now,
    inputs: peerSideInputs(request),
    ...(stuck && report.remediation !== undefined ? { remediation: report.remediation } : {}),
    ...(stuck ? { retryAt: nextCheckAt } : {}),
  };
  const transitions = notes.map((note) => transition(change, now, note));
  const next: ChangeRecord = {
    ...change,
    version: change.version + 1,
    attempt: change.attempt + 1,
    updatedAt: now,
    peerSide: summary,
    history: [...change.history, ...transitions],
    nextCheckAt,
  };
  return { next, notes };
}

/**
 * The remediation a waiting change shows when the gateway's run on the peer's side cannot go on by itself,
 * for the pcx Atlas still reports; undefined otherwise.
 */
export function peerSideRemediationOf(change: ChangeRecord): string | undefined {
  const last = change.peerSide;
  if (change.state !== "WAITING_FOR_USER" || last === undefined) return undefined;
  if (last.pcxId !== change.atlas.connectionId) return undefined;
  return last.remediation;
}

/** A write that took: an accept, a route, the DNS option, a rule (not a kept one, nor a benign duplicate). */
function changedSomething(step: PeerSideStep): boolean {
  if (!step.ok || step.errorCode !== undefined || /^(kept|already)/.test(step.detail)) return false;
  return ["accept", "route", "dns-resolution", "security-group"].includes(step.step);
}

function changeNote(request: PeerSideRequest, step: PeerSideStep): string {
  const { pcxId, region, atlasCidrBlock } = request;
  const route = `route ${atlasCidrBlock} → ${pcxId}`;
  switch (step.step) {
    case "accept":
      return `gateway accepted ${pcxId} in ${region}`;
    case "route":
      return step.detail.startsWith("replaced")
        ? `${route} replaced the old route in ${step.target}`
        : `${route} added to ${step.target}`;
    case "dns-resolution":
      return `DNS resolution from Atlas's VPC enabled on ${pcxId}`;
    default:
      return `${step.target} allows tcp ${MONGODB_PORTS.from}-${MONGODB_PORTS.to} from ${atlasCidrBlock}`;
  }
}

function failureNote(report: PeerSideReport, step: PeerSideStep): string {
  const why = step.errorCode ?? step.detail;
  return `${FAILURE_PREFIX}${report.outcome}: ${step.step} ${step.target}: ${why}`;
}

function transition(change: ChangeRecord, now: number, note: string): Transition {
  return {
    at: new Date(now).toISOString(),
    from: change.state,
    to: change.state,
    ...(change.atlas.status === undefined ? {} : { atlasStatus: change.atlas.status }),
    note,
  };
}
