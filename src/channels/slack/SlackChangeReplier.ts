import type { ExpiryWarning } from "../../domain/change/expiry.js";
import type { ChangeView } from "../../domain/change/view.js";
import type { ChangeReplier, ReplyResult } from "../../ports/ChangeReplies.js";
import { changeMessage } from "./messages.js";
import type { SlackReplies } from "./SlackResponseUrlReplies.js";

const HEADLINES: Record<string, string> = {
  WAITING_FOR_USER: "Atlas is waiting for someone to act on the cloud side",
  SUCCEEDED: "The peering change is done",
  FAILED: "The peering change failed",
  REJECTED: "Atlas refused the peering change",
  TIMED_OUT: "The peering change timed out",
  CANCELLED: "The peering change was cancelled",
};

/** Posts a change's progress to the slash command's `response_url`, as an ephemeral Block Kit message. */
export class SlackChangeReplier implements ChangeReplier {
  readonly channel = "slack" as const;

  constructor(private readonly replies: SlackReplies) {}

  reply(url: string, view: ChangeView, warning?: ExpiryWarning): Promise<ReplyResult> {
    // An expiry warning leads with its own sentence ("⏳ pcx-… expires in 1 h: accept it in …").
    const headline = warning?.text ?? HEADLINES[view.state] ?? `The change is ${view.state}`;
    const message = {
      ...changeMessage(view, headline),
      response_type: "ephemeral" as const,
    };
    return this.replies.post(url, message);
  }
}
