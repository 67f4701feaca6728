import type { ChangeView } from "../domain/change/view.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { FieldViolation } from "../domain/validation.js";

/** Tells the world a change entered WAITING_FOR_USER or a terminal state (EventBridge in AWS). */
export interface ChangeEventPublisher {
  publish(change: ChangeView): Promise<void>;
  /** Tells the sender of a `Peering Change Requested` event that it was not acted on, and why. */
  publishRejection(rejection: ChangeRejection): Promise<void>;
}

/** One signed webhook delivery. */
export interface CallbackDelivery {
  url: string;
  /** The caller's Standard Webhooks secret (`whsec_…`). */
  secret: string;
  /** Unique per delivery attempt group: receivers de-duplicate on it (`webhook-id`). */
  messageId: string;
  payload: unknown;
}

/** Result of delivering a callback, after its own bounded retries. */
export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  /** Last HTTP status, or the network error code. */
  lastOutcome: string;
}

/** Delivers signed JSON callbacks (Standard Webhooks) to callers. */
export interface CallbackNotifier {
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
