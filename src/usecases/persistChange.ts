import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { type Notification, notificationFor } from "../domain/change/notification.js";
import { isTerminal } from "../domain/peering/status.js";
import { audit, changeAuditFields } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/**
 * Writes `next` over `previous` (conditionally on its version), with the notification the new state calls for
 * in the same write (the outbox), then does what the new state calls for: schedule the next re-check, release
 * the peering's lock when the change ended, and publish the state event. Callbacks and replies are not
 * delivered here: the notify function does that, outside the request, re-check and sweeper paths. Returns
 * false, doing nothing, when another writer moved the change first (a duplicate re-check).
 *
 * The order is what makes it safe: the record (with `nextCheckAt`) and its notification are written before
 * the schedule or the event is asked for, so a schedule that cannot be created only delays the change until
 * the sweeper finds it overdue, and an event that cannot be published is re-driven from the outbox.
 */
export async function persistChange(
  previous: ChangeRecord,
  next: ChangeRecord,
  deps: ChangeDeps,
): Promise<boolean> {
  const notification = notificationFor(next, previous, deps.now());
  const options = {
    indexConnection: observedNewConnection(previous, next),
    // The drift check's baseline (checkDrift.ts): what Atlas must keep holding from now on.
    settled: next.state === "SUCCEEDED" && previous.state !== "SUCCEEDED",
  };
  if (!(await deps.store.update(stored(next), previous.version, notification, options))) {
    deps.logger.info("change moved on concurrently; this update was dropped", {
      changeId: next.id,
      attempt: previous.attempt,
    });
    return false;
  }
  recordMetrics(previous, next, deps);
  if (next.nextCheckAt !== undefined && !isTerminal(next.state)) {
    await scheduleNextCheck(next, deps);
  }
  if (isTerminal(next.state)) {
    await releaseLock(next, deps);
    await audit(deps, changeAuditFields(next, "completed"));
  }
  if (notification) await publishEvent(notification, deps);
  return true;
}

/**
 * Whether `next` is the first write of a change still followed that names this AWS peering connection
 * (`pcx-…`), so the store points the connection at it in the same write: a CloudTrail event about the
 * connection (a person accepted it) then finds the change at once (noticePeerSideCall.ts).
 */
function observedNewConnection(previous: ChangeRecord, next: ChangeRecord): boolean {
  const connection = next.atlas.connectionId;
  return connection !== undefined && connection !== previous.atlas.connectionId && !isTerminal(next.state);
}

/**
 * What is kept of `next`: once the change ended, no reply address (a Slack `response_url` is a capability
 * URL, and the record stays 90 days). The notification written with it keeps the address for delivery.
 */
function stored(next: ChangeRecord): ChangeRecord {
  if (!isTerminal(next.state) || next.replyTo === undefined) return next;
  const { replyTo: _dropped, ...rest } = next;
  return rest;
}

/**
 * Publishes the state event at once (EventBridge takes it in milliseconds); the notify function receives it
 * and delivers the rest. On failure the notification stays in the outbox and the sweeper re-drives it.
 */
async function publishEvent(notification: Notification, deps: ChangeDeps): Promise<void> {
  const { changeId, version, id, warning } = notification;
  try {
    await deps.events.publish(notification.view, { changeId, version, id, ...(warning ? { warning } : {}) });
  } catch (error) {
    deps.logger.warn("could not publish the change event; the sweeper will re-drive it", {
      changeId,
      notificationId: id,
      error: error as Error,
    });
  }
}

async function scheduleNextCheck(change: ChangeRecord, deps: ChangeDeps): Promise<void> {
  try {
    await deps.scheduler.schedule(
      { changeId: change.id, attempt: change.attempt },
      change.nextCheckAt ?? deps.now(),
    );
  } catch (error) {
    // Not lost: nextCheckAt is stored, and the sweeper re-checks overdue changes.
    deps.logger.error("could not schedule the re-check; the sweeper will pick the change up", {
      changeId: change.id,
      attempt: change.attempt,
      error: error as Error,
    });
  }
}

async function releaseLock(change: ChangeRecord, deps: ChangeDeps): Promise<void> {
  try {
    await deps.store.releasePeerLock(change.groupId, change.peerId, change.id);
  } catch (error) {
    // A lock left behind by an ended change is taken over by the next change for the peering.
    deps.logger.warn("could not release the peering lock", { changeId: change.id, error: error as Error });
  }
}

function recordMetrics(previous: ChangeRecord, next: ChangeRecord, deps: ChangeDeps): void {
  if (next.state !== previous.state) deps.metrics.stateEntered(next);
  if (isTerminal(next.state)) deps.metrics.settled(next);
  else deps.metrics.pending(next, deps.now());
}
