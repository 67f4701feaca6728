import type { ChangeView } from "../domain/change/view.js";
import type { Channel } from "../domain/channels.js";

/**
 * Tells whoever asked about a change, on the channel they asked through: one per channel that can answer later
 * (Slack posts to the command's `response_url`). Each channel formats its own messages.
 */
export interface ChangeReplier {
  readonly channel: Channel;
  /** Posts the change's progress to `url`; `false` when it could not be delivered. Never throws. */
  reply(url: string, view: ChangeView): Promise<boolean>;
}
