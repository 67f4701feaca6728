import { type ErrorKind, GatewayError } from "../../domain/errors.js";

/**
 * The EventBridge channel's one table: what a failure means for the event. `reject` answers the sender with a
 * `Peering Change Rejected` event (sending it again cannot help); `retry` throws, so Lambda retries the
 * delivery and, in the end, puts it in the events DLQ (the gateway's own trouble, not the sender's).
 */
export const EVENT_DECISION_BY_KIND: Record<ErrorKind, "reject" | "retry"> = {
  invalid: "reject",
  unauthenticated: "reject",
  forbidden: "reject",
  "not-found": "reject",
  conflict: "reject",
  refused: "reject",
  // Retrying a runaway automation's events would only keep it running: it is told, and may send again later.
  "rate-limited": "reject",
  unavailable: "retry",
  misconfigured: "retry",
};

/** Whether the event should be answered with a rejection (else the error is thrown for a retry). */
export function isRejection(error: unknown): error is GatewayError {
  return error instanceof GatewayError && EVENT_DECISION_BY_KIND[error.kind] === "reject";
}
