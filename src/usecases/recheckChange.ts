import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import {
  type AtlasOutcome,
  applyOutcome,
  claimResend,
  isLeased,
  leaseUntil,
  peerHoldsDesired,
} from "../domain/change/lifecycle.js";
import { OPERATION_RULES, READ_PEER } from "../domain/change/operations.js";
import { isTerminal } from "../domain/peering/status.js";
import type { AtlasAnswer } from "../ports/AtlasPeeringApi.js";
import type { RecheckRequest } from "../ports/RecheckScheduler.js";
import { withAccepterAccount } from "./accepterAccount.js";
import { type AtlasCallResult, callAtlas } from "./atlasCall.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import { finishPeerSide } from "./finishPeerSide.js";
import { persistChange } from "./persistChange.js";
import { withContainer } from "./readContainer.js";

/** What a re-check did. */
export type RecheckOutcome =
  /** `answer`: Atlas's answer to the last call made (the re-sent PATCH, else the GET), when Atlas answered. */
  | { kind: "checked"; state: string; attempt: number; answer?: AtlasAnswer }
  | {
      kind: "skipped";
      reason: "unknown change" | "already ended" | "stale attempt" | "moved on concurrently" | "being sent";
    };

/** What one re-check learnt: the outcome to apply, the record it applies to, and what was sent. */
interface Looked {
  base: ChangeRecord;
  outcome: AtlasOutcome;
  answer?: AtlasAnswer;
  /** Each call, as it went: `GET`, `PATCH`, or `PATCH(held: budget)` when the shared budget kept it back. */
  sent: string[];
}

/** How a re-check was asked for. */
export interface RecheckOptions {
  /**
   * A person's call on the peering (a CloudTrail event) set it off: Atlas may not have seen the accept yet, so
   * while the change still waits, the check after this one comes at the re-check delay and the human-wait
   * backoff starts again from there. Only this re-check's next one: the schedule after it backs off as usual.
   */
  restartWaiting?: boolean;
}

/**
 * One re-check of a change: the peer is read with a GET; while Atlas has not accepted the PATCH (RETRYING) it
 * is sent again only if the peer does not hold the desired settings yet. What was seen is recorded and the
 * next check scheduled. A re-check for an attempt the change has moved past (a duplicate or late EventBridge
 * delivery, or the sweeper and the schedule both firing) does nothing: the attempt number and the conditional
 * writes make each attempt apply at most once, and send at most one PATCH. Nor does one that finds another
 * invocation's PATCH possibly in flight (the change is leased): that invocation records the outcome, and if it
 * died, the check due after the lease reads the peer before anything is sent.
 */
export async function recheckChange(
  request: RecheckRequest,
  deps: ChangeDeps,
  deadline: number,
  options: RecheckOptions = {},
): Promise<RecheckOutcome> {
  const change = await deps.store.get(request.changeId);
  if (!change) return { kind: "skipped", reason: "unknown change" };
  if (isTerminal(change.state)) return { kind: "skipped", reason: "already ended" };
  if (change.attempt !== request.attempt) return { kind: "skipped", reason: "stale attempt" };
  if (isLeased(change, deps.now())) return { kind: "skipped", reason: "being sent" };
  // The request that created the change is the correlation id of every log line about it, across functions.
  deps.logger.setCorrelationId(change.requestId ?? change.id);
  const looked = await look(change, deps, deadline);
  if (!looked) return { kind: "skipped", reason: "moved on concurrently" };
  // A change that has just started waiting for a person learns Atlas's side first: its notification names it,
  // and who accepts (a person, or the gateway in an account it is configured for).
  const base = options.restartWaiting ? { ...looked.base, waitingChecks: 0 } : looked.base;
  const applied = applyOutcome(base, looked.outcome, deps.now(), deps.cadence);
  const next = await withAccepterAccount(await withContainer(applied, deps, deadline), deps);
  if (!(await persistChange(looked.base, next, deps)))
    return { kind: "skipped", reason: "moved on concurrently" };
  deps.logger.info("change re-checked", {
    changeId: change.id,
    attempt: request.attempt,
    sent: looked.sent.join("+"),
    atlasStatus: next.atlas.status,
    atlasHttpStatus: next.atlas.httpStatus,
    from: change.state,
    state: next.state,
    ...(next.retryingChecks ? { retryingChecks: next.retryingChecks } : {}),
  });
  // Atlas's outcome is stored first; only then does the gateway act on the peer's AWS side, if configured.
  const stored = await finishPeerSide(next, deps, deadline);
  return {
    kind: "checked",
    state: stored.state,
    attempt: stored.attempt,
    ...(looked.answer ? { answer: looked.answer } : {}),
  };
}

/**
 * Reads the peer, then, while RETRYING and only if the read says the operation has not taken effect, claims
 * the attempt and re-sends it. Reading first is what keeps a PATCH that landed before a crash from being sent
 * again. Undefined when another re-check claimed the attempt first (it sends; this one must not).
 */
async function look(change: ChangeRecord, deps: ChangeDeps, deadline: number): Promise<Looked | undefined> {
  const call = { groupId: change.groupId, peerId: change.peerId, apiVersion: change.apiVersion };
  const read = await callAtlas(deps, { ...call, query: {} }, READ_PEER, deadline);
  if (change.state !== "RETRYING" || !mustResend(change, read))
    return { base: change, outcome: read.outcome, sent: [sentAs("GET", read)], ...answerOf(read) };
  const now = deps.now();
  const claim = claimResend(change, now, deps.cadence, leaseUntil(now, deadline));
  if (!(await deps.store.update(claim, change.version))) {
    deps.logger.info("another re-check is re-sending this change", { changeId: change.id });
    return undefined;
  }
  const send = OPERATION_RULES[change.operation].send(change);
  const result = await callAtlas(deps, { ...call, query: change.query }, send, deadline);
  const sent = [sentAs("GET", read), sentAs(send.method, result)];
  return { base: claim, outcome: result.outcome, sent, ...answerOf(result) };
}

/** A call as the log names it: only what reached Atlas is bare; one the shared budget held back says so. */
export function sentAs(method: string, result: AtlasCallResult): string {
  const held = result.outcome.kind === "unavailable" && result.outcome.notSent === true;
  return held ? `${method}(held: budget)` : method;
}

function answerOf(result: AtlasCallResult): { answer?: AtlasAnswer } {
  return result.answer ? { answer: result.answer } : {};
}

/**
 * Whether a RETRYING change must be sent again after the read. Not when Atlas did not answer the read either:
 * a blind re-send is what duplicated PATCHes, so the change waits (backing off) for an answer. When Atlas
 * refused the read, the PATCH is sent so that Atlas's answer to it, not to the GET, decides the change.
 */
function mustResend(change: ChangeRecord, read: AtlasCallResult): boolean {
  if (read.outcome.kind === "unavailable") return false;
  if (read.outcome.kind === "refused") return true;
  return !peerHoldsDesired(change.desired, read.answer?.body ?? "");
}
