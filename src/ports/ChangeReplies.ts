import type { ExpiryWarning } from "../domain/change/expiry.js";
import type { ChangeView } from "../domain/change/view.js";
import type { Channel } from "../domain/channels.js";
import type { DeliveryResult } from "./ChangeNotifications.js";

/**
 * What one reply attempt came to: the same shape as a callback's, so one outbox can drive both. `retryable`
 * after a network failure or timeout, 429 or 5xx; never after a 4xx (Slack's `expired_url`, `used_url`…:
 * that URL will not take a message again) or a URL the channel refuses to post to.
 */
export type ReplyResult = DeliveryResult;

/**
 * Tells whoever asked about a change, on the channel they asked through: one per channel that can answer later
 * (Slack posts to the command's `response_url`). Each channel formats its own messages.
 */
export interface ChangeReplier {
  readonly channel: Channel;
  /**
   * Posts the change's progress to `url` (with `warning`, that its peering request expires soon): one attempt,
   * bounded in time and bytes read. Never throws.
   */
  reply(url: string, view: ChangeView, warning?: ExpiryWarning): Promise<ReplyResult>;
}
