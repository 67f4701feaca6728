import type { ChangeRecord } from "./ChangeRecord.js";
import type { CadencePolicy } from "./cadence.js";

/** What a new change request consists of: who asked, which peering, the body for Atlas, and why. */
export type ChangeRequestData = Pick<
  ChangeRecord,
  | "id"
  | "callerId"
  | "channel"
  | "groupId"
  | "peerId"
  | "provider"
  | "operation"
  | "apiVersion"
  | "query"
  | "desired"
> &
  Partial<Pick<ChangeRecord, "reason" | "callbackUrl" | "idempotencyKey" | "requestId" | "replyTo">>;

/**
 * A change as first recorded, before the PATCH is sent: RETRYING ("not accepted by Atlas yet"), leased to the
 * invocation that sends it until `lease`, with a check due once the lease is over, so that if the function dies
 * before Atlas answers, the sweeper reads the peer and sends it again only if it did not land. Nothing is lost
 * between "received" and "sent", and nothing is sent twice.
 */
export function newChange(
  data: ChangeRequestData,
  now: number,
  policy: CadencePolicy,
  lease: number,
): ChangeRecord {
  return {
    ...data,
    version: 1,
    state: "RETRYING",
    atlas: {},
    attempt: 0,
    waitingChecks: 0,
    leaseUntil: lease,
    nextCheckAt: Math.max(lease, now + policy.recheckDelayMs),
    deadline: now + policy.deadlineMs,
    history: [
      { at: new Date(now).toISOString(), from: null, to: "RETRYING", note: `received via ${data.channel}` },
    ],
    createdAt: now,
    updatedAt: now,
  };
}
