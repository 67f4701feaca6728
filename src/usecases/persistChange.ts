import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { isTerminal } from "../domain/peering/status.js";
import { announce, isAnnounced } from "./announce.js";
import { audit, changeAuditFields } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/**
 * Writes `next` over `previous` (conditionally on its version), then does what the new state calls for:
 * schedule the next re-check, release the peering's lock when the change ended, and announce it.
 * Returns false, doing nothing, when another writer moved the change first (a duplicate re-check).
 *
 * The order is what makes it safe: the record (with `nextCheckAt`) is written before the schedule is asked
 * for, so a schedule that cannot be created only delays the change until the sweeper finds it overdue.
 */
export async function persistChange(
  previous: ChangeRecord,
  next: ChangeRecord,
  deps: ChangeDeps,
): Promise<boolean> {
  if (!(await deps.store.update(next, previous.version))) {
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
  if (isAnnounced(next, previous)) await announce(next, deps);
  return true;
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
