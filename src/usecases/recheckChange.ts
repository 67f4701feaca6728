import { applyOutcome } from "../domain/change/lifecycle.js";
import { OPERATION_RULES, READ_PEER } from "../domain/change/operations.js";
import { isTerminal } from "../domain/peering/status.js";
import type { RecheckRequest } from "../ports/RecheckScheduler.js";
import { callAtlas } from "./atlasCall.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import { persistChange } from "./persistChange.js";

/** What a re-check did. */
export type RecheckOutcome =
  | { kind: "checked"; state: string; attempt: number }
  | {
      kind: "skipped";
      reason: "unknown change" | "already ended" | "stale attempt" | "moved on concurrently";
    };

/**
 * One re-check of a change: while Atlas has not accepted the PATCH (RETRYING) it is sent again; otherwise the
 * peer is read with a GET. What was seen is recorded and the next check scheduled. A re-check for an attempt
 * the change has moved past (a duplicate or late EventBridge delivery, or the sweeper and the schedule both
 * firing) does nothing: the attempt number and the conditional write make each attempt apply at most once.
 */
export async function recheckChange(
  request: RecheckRequest,
  deps: ChangeDeps,
  deadline: number,
): Promise<RecheckOutcome> {
  const change = await deps.store.get(request.changeId);
  if (!change) return { kind: "skipped", reason: "unknown change" };
  if (isTerminal(change.state)) return { kind: "skipped", reason: "already ended" };
  if (change.attempt !== request.attempt) return { kind: "skipped", reason: "stale attempt" };
  // The request that created the change is the correlation id of every log line about it, across functions.
  deps.logger.setCorrelationId(change.requestId ?? change.id);
  const call = { groupId: change.groupId, peerId: change.peerId, apiVersion: change.apiVersion, query: {} };
  // RETRYING: Atlas never took the operation, so it is sent again; otherwise the peer is read.
  const send = change.state === "RETRYING" ? OPERATION_RULES[change.operation].send(change) : READ_PEER;
  const result = await callAtlas(
    deps,
    send.method === "GET" ? call : { ...call, query: change.query },
    send,
    deadline,
  );
  const next = applyOutcome(change, result.outcome, deps.now(), deps.cadence);
  if (!(await persistChange(change, next, deps))) return { kind: "skipped", reason: "moved on concurrently" };
  deps.logger.info("change re-checked", {
    changeId: change.id,
    attempt: request.attempt,
    sent: send.method,
    atlasStatus: next.atlas.status,
    atlasHttpStatus: next.atlas.httpStatus,
    from: change.state,
    state: next.state,
  });
  return { kind: "checked", state: next.state, attempt: next.attempt };
}
