import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { type ChangeView, toView } from "../domain/change/view.js";
import { isTerminal } from "../domain/peering/status.js";
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
  await replyToAsker(change, view, deps);
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

/** Posts the progress on the channel the change came through; failures are only logged. */
async function replyToAsker(change: ChangeRecord, view: ChangeView, deps: ChangeDeps): Promise<void> {
  const address = change.replyTo;
  if (!address) return;
  const replier = deps.repliers.find((candidate) => candidate.channel === address.channel);
  const fields = { changeId: view.id, state: view.state, channel: address.channel };
  if (!replier) {
    deps.logger.warn("no way to reply on this channel", fields);
    return;
  }
  if (!(await replier.reply(address.url, view))) deps.logger.warn("could not post the change back", fields);
}
