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
 * A change as first recorded, before the PATCH is sent: RETRYING ("not accepted by Atlas yet") with a check
 * already due after the re-check delay, so that if the function dies before Atlas answers, the sweeper sends
 * it again. Nothing is lost between "received" and "sent".
 */
export function newChange(data: ChangeRequestData, now: number, policy: CadencePolicy): ChangeRecord {
  return {
    ...data,
    version: 1,
    state: "RETRYING",
    atlas: {},
    attempt: 0,
    waitingChecks: 0,
    nextCheckAt: now + policy.recheckDelayMs,
    deadline: now + policy.deadlineMs,
    history: [
      { at: new Date(now).toISOString(), from: null, to: "RETRYING", note: `received via ${data.channel}` },
    ],
    createdAt: now,
    updatedAt: now,
  };
}
