import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { isTerminal } from "../domain/peering/status.js";
import { audit } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import { type RecheckOutcome, recheckChange } from "./recheckChange.js";

/** A person's call on an AWS VPC peering connection, as CloudTrail recorded it (only what the gateway keeps). */
export interface PeerSideCall {
  /** The EventBridge event that told of it. */
  eventId: string;
  /** `AcceptVpcPeeringConnection`, `RejectVpcPeeringConnection` or `DeleteVpcPeeringConnection`. */
  eventName: string;
  account: string;
  region?: string;
  /** The `pcx-…` the call was about. */
  connectionId: string;
}

/** What came of one call: the change following the connection re-checked, or why nothing was done. */
export type PeerSideOutcome =
  | { kind: "rechecked"; changeId: string; recheck: RecheckOutcome }
  | {
      kind: "ignored";
      reason:
        | "no change follows this connection"
        | "the change has ended"
        | "the change follows another connection";
    };

/**
 * A person accepted, rejected or deleted an AWS peering connection: the change following it (found through
 * the connection's index entry, one read) is re-checked at once (one Atlas GET) instead of at its next
 * scheduled check, which while a person must act may be minutes away. Whatever the call was, Atlas's answer
 * says what became of the peering. The re-check carries the change's current attempt, so the attempt and
 * lease rules keep it from doubling with a scheduled check or a redelivered event; the schedule stays as the
 * safety net (CloudTrail delivery is best effort). Atlas may lag behind AWS: if it still reports the request
 * pending, the next check comes at the re-check delay, not minutes later on the human-wait backoff (only that
 * one: the backoff then doubles again, so a storm of events cannot make the polling dense). Store and Atlas
 * trouble is thrown: the event is retried.
 */
export async function noticePeerSideCall(
  call: PeerSideCall,
  deps: ChangeDeps,
  deadline: number,
): Promise<PeerSideOutcome> {
  const changeId = await deps.store.changeForConnection(call.connectionId);
  const change = changeId === undefined ? undefined : await deps.store.get(changeId);
  const ignored = whyIgnored(change, call.connectionId);
  if (ignored !== undefined || change === undefined) {
    const reason = ignored ?? "no change follows this connection";
    deps.logger.info("peer-side call ignored", { ...callFields(call), reason });
    return { kind: "ignored", reason };
  }
  const recheck = await recheckChange({ changeId: change.id, attempt: change.attempt }, deps, deadline, {
    restartWaiting: true,
  });
  const state = recheck.kind === "checked" ? (recheck.state as ChangeRecord["state"]) : change.state;
  deps.logger.info("peer-side call noticed; change re-checked", {
    ...callFields(call),
    changeId: change.id,
    recheck: recheck.kind === "checked" ? "checked" : recheck.reason,
    from: change.state,
    state,
  });
  await audit(deps, {
    requestId: call.eventId,
    channel: "eventbridge",
    outcome: "read",
    reason: "peer-side call",
    groupId: change.groupId,
    peerId: change.peerId,
    changeId: change.id,
    state,
    detail: `${call.eventName} of ${call.connectionId} in ${call.account}${call.region ? ` ${call.region}` : ""}`,
  });
  return { kind: "rechecked", changeId: change.id, recheck };
}

/** Why the call concerns no change still followed, or undefined when it does. */
function whyIgnored(
  change: ChangeRecord | undefined,
  connectionId: string,
): Exclude<PeerSideOutcome, { kind: "rechecked" }>["reason"] | undefined {
  if (change === undefined) return "no change follows this connection";
  if (isTerminal(change.state)) return "the change has ended";
  // The entry is overwritten by the last change to observe the connection, but a change can move to another.
  if (change.atlas.connectionId !== connectionId) return "the change follows another connection";
  return undefined;
}

/** The call's identity for logs: no request parameter but the connection id. */
function callFields(call: PeerSideCall): Record<string, string> {
  return {
    eventId: call.eventId,
    eventName: call.eventName,
    account: call.account,
    ...(call.region === undefined ? {} : { region: call.region }),
    connectionId: call.connectionId,
  };
}
