import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { type ChangeView, toView } from "../domain/change/view.js";
import { isTerminal } from "../domain/peering/status.js";
import { changeMessage } from "../slack/messages.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/** Whether entering this state is worth telling anyone: a person must act, or the change ended. */
export function isAnnounced(change: ChangeRecord, previous: ChangeRecord): boolean {
  if (change.state === previous.state) return false;
  return change.state === "WAITING_FOR_USER" || isTerminal(change.state);
}

/**
 * Tells whoever asked: an EventBridge event, and a signed callback when the request carried a `callbackUrl`.
 * Notification failures are logged, never thrown: the change itself is already safely recorded.
 */
export async function announce(change: ChangeRecord, deps: ChangeDeps): Promise<void> {
  const view = toView(change);
  const fields = { changeId: change.id, state: change.state };
  try {
    await deps.events.publish(view);
  } catch (error) {
    deps.logger.error("could not publish the change event", { ...fields, error: error as Error });
  }
  if (change.slackResponseUrl) await tellSlack(change.slackResponseUrl, view, deps);
  if (!change.callbackUrl) return;
  const caller = (await deps.callers.registry()).callers.find((c) => c.id === change.callerId);
  if (!caller?.callbackSecret) {
    deps.logger.warn("callback skipped: the caller has no callback secret", fields);
    return;
  }
  const result = await deps.callbacks.deliver({
    url: change.callbackUrl,
    secret: caller.callbackSecret,
    messageId: `msg_${change.id}_${change.version}`,
    payload: {
      type: "peering.change.state_changed",
      timestamp: new Date(deps.now()).toISOString(),
      data: view,
    },
  });
  const log = result.delivered ? deps.logger.info : deps.logger.warn;
  log.call(deps.logger, result.delivered ? "callback delivered" : "callback not delivered", {
    ...fields,
    ...result,
  });
}

const HEADLINES: Record<string, string> = {
  WAITING_FOR_USER: "Atlas is waiting for someone to act on the cloud side",
  SUCCEEDED: "The peering change is done",
  FAILED: "The peering change failed",
  REJECTED: "Atlas refused the peering change",
  TIMED_OUT: "The peering change timed out",
  CANCELLED: "The peering change was cancelled",
};

/** Posts the progress to the Slack `response_url` the change came with; failures are only logged. */
async function tellSlack(responseUrl: string, view: ChangeView, deps: ChangeDeps): Promise<void> {
  const message = {
    ...changeMessage(view, HEADLINES[view.state] ?? `The change is ${view.state}`),
    response_type: "ephemeral" as const,
  };
  if (!(await deps.slackReplies.post(responseUrl, message))) {
    deps.logger.warn("could not post the change to Slack", { changeId: view.id, state: view.state });
  }
}
