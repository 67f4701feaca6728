import type { ChangeView } from "../domain/change/view.js";
import type { ChangeRejection } from "../events/rejection.js";

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
