import type { DriftReport } from "../domain/change/driftReport.js";
import type { ExpiryWarning } from "../domain/change/expiry.js";
import type { ChangeView } from "../domain/change/view.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { FieldViolation } from "../domain/validation.js";

/** Which notification of the outbox: a change and the version whose state it announces. */
export interface NotificationRef {
  changeId: string;
  version: number;
}

/** Which notification an event announces; with `warning`, an expiry warning rather than a state. */
export type PublishedNotification = NotificationRef & {
  id: string;
  warning?: ExpiryWarning;
  /** A drift announcement (published as {@link DRIFTED_DETAIL_TYPE}) rather than a state. */
  drift?: DriftReport;
};

/** Tells the world a change entered WAITING_FOR_USER or a terminal state (EventBridge in AWS). */
export interface ChangeEventPublisher {
  /**
   * Publishes the change's state event. `notificationId` goes in the event (consumers de-duplicate on it), and
   * the notify function, which receives the event too, learns from it that the event was delivered.
   */
  publish(change: ChangeView, notification: PublishedNotification): Promise<void>;
  /** Asks the notify function to (re)try the pending targets of a notification (the sweeper's re-drive). */
  requestDelivery(notification: NotificationRef): Promise<void>;
  /** Tells the sender of a `Peering Change Requested` event that it was not acted on, and why. */
  publishRejection(rejection: ChangeRejection): Promise<void>;
}

/** One signed webhook delivery attempt. */
export interface CallbackDelivery {
  url: string;
  /** The caller's Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** Stable per event, the same on every attempt: sent as `webhook-id`, on which receivers de-duplicate. */
  messageId: string;
  payload: unknown;
  /** Bound of the attempt (connect, headers and body); the notifier's default (5000 ms) when absent. */
  timeoutMs?: number;
  /** Ends the attempt early (the invocation running out of time); the outcome is then `ABORTED`, retryable. */
  signal?: AbortSignal;
}

/**
 * What one delivery attempt came to. The notifier never retries: whoever drives the deliveries decides when
 * to try again, and counts the attempts.
 */
export interface DeliveryResult {
  /** The receiver answered 2xx (even with a body too large to read: it accepted the delivery). */
  delivered: boolean;
  /**
   * Whether trying later may help: after a network failure or timeout, 408, 429 or 5xx. Never after a
   * delivery, another answer (4xx: the receiver's final word) or a delivery that cannot be made at all.
   */
  retryable: boolean;
  /**
   * The HTTP status (`"200"`, `"503"`), the network error code (`"ECONNREFUSED"`, `"TIMEOUT"`, `"ABORTED"`),
   * or why no request was sent (`"INVALID_SECRET"`, `"INVALID_PAYLOAD"`…). Never a secret or a signature.
   */
  lastOutcome: string;
  /** How long the receiver asked to be left alone (`Retry-After` on a 429 or 503), in ms. */
  retryAfterMs?: number;
}

/** Delivers signed JSON callbacks (Standard Webhooks) to callers: one bounded attempt per call. */
export interface CallbackNotifier {
  /** Makes exactly one attempt; never throws for a failed delivery. */
  deliver(delivery: CallbackDelivery): Promise<DeliveryResult>;
}

/** The `source` of every change event (EventBridge rules match on it). */
export const CHANGE_EVENT_SOURCE = "atlas-peering-gateway";
/** The `detail-type` of every change event. */
export const CHANGE_EVENT_DETAIL_TYPE = "Peering Change State Changed";

/**
 * A change (or rejection) event could not be published. The message names the change or the rejected event,
 * the bus and EventBridge's error code, never the event's detail.
 */
export class EventPublishError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "event-publish";
  readonly title: string = "A change event could not be published";
}

/**
 * The `detail-type` of an expiry warning: the AWS peering request a change waits on expires in 24 h or 1 h.
 * Its detail names the change, project, peer, request, `acceptBy`, `hoursLeft` and the next action.
 */
export const EXPIRING_DETAIL_TYPE = "Peering Change Expiring";

/**
 * The `detail-type` of a drift announcement: a peering the gateway last changed no longer holds what that
 * change settled (a setting changed out of band, FAILED on its own, gone). Its detail is the DriftReport
 * (project, peer, fields that differ, Atlas status, the last change id) with the notification's id.
 */
export const DRIFTED_DETAIL_TYPE = "Peering Drifted";

/** The `detail-type` of the gateway's own re-drive of an undelivered notification (to its notify function). */
export const NOTIFICATION_DUE_DETAIL_TYPE = "Peering Notification Due";

/** The `detail-type` the gateway consumes. */
export const REQUESTED_DETAIL_TYPE = "Peering Change Requested";
/** The `detail-type` the gateway publishes for an event it could not accept. */
export const REJECTED_DETAIL_TYPE = "Peering Change Rejected";

/** Why an event was refused, which fields were wrong, and which event it was. */
export interface ChangeRejection {
  /** One sentence, e.g. "the event is not a valid peering change request". */
  reason: string;
  /** Every violation, paths as in the event (`detail.peering.vpcId`); empty when no field is at fault. */
  errors: FieldViolation[];
  /** The rejected event's ids, as far as it had them. */
  event: { id?: string; source?: string; account?: string };
}
