import type { ChangeDeps } from "./ChangeDeps.js";
import { checkDrift, type DriftDeps, type DriftRun } from "./checkDrift.js";
import { recheckChange } from "./recheckChange.js";

export interface SweepOptions {
  /** A check this late is considered lost (Scheduler fires within a minute, and retries). */
  graceMs: number;
  /** At most this many changes per run; the next run takes the rest. */
  limit: number;
  /** The drift check, run from here when it is due (absent: not run). */
  drift?: DriftDeps;
}

/**
 * The safety net: finds changes whose next check is overdue by more than `graceMs` (a schedule that could
 * not be created, a function that died) through the store's due index — never a scan — and re-checks them.
 * Re-checking is idempotent per attempt, so racing a late schedule is harmless. Then re-drives the
 * notifications due for another delivery attempt. Last, when due, the drift check (checkDrift.ts): after the
 * re-drive, so the drift notifications it asks delivery of are not re-driven by the same run.
 */
export async function sweepOverdue(deps: ChangeDeps, options: SweepOptions, deadline: number) {
  const overdue = await deps.store.due(deps.now() - options.graceMs, options.limit);
  const results: Array<{ changeId: string; outcome: string }> = [];
  for (const change of overdue) {
    if (deps.now() >= deadline) break;
    try {
      const outcome = await recheckChange({ changeId: change.id, attempt: change.attempt }, deps, deadline);
      results.push({
        changeId: change.id,
        outcome: outcome.kind === "checked" ? outcome.state : outcome.reason,
      });
    } catch (error) {
      deps.logger.error("sweeper could not re-check a change", {
        changeId: change.id,
        error: error as Error,
      });
      results.push({ changeId: change.id, outcome: "error" });
    }
  }
  if (overdue.length > 0)
    deps.logger.info("sweeper re-checked overdue changes", { count: overdue.length, results });
  const redriven = await redriveNotifications(deps, options.limit);
  const drift = options.drift ? await driftIfDue(deps, options.drift, deadline) : undefined;
  return { found: overdue.length, results, redriven, ...(drift ? { drift } : {}) };
}

/**
 * Asks the notify function to retry every notification whose next attempt is due (one that a function died
 * delivering, an event that could not be published, a callback backing off). The sweeper only publishes the
 * request: it never waits on a callback host itself.
 */
async function redriveNotifications(deps: ChangeDeps, limit: number): Promise<number> {
  const due = await deps.outbox.due(deps.now(), limit);
  let redriven = 0;
  for (const notification of due) {
    const ref = { changeId: notification.changeId, version: notification.version };
    try {
      await deps.events.requestDelivery(ref);
      redriven++;
    } catch (error) {
      deps.logger.error("sweeper could not re-drive a notification", { ...ref, error: error as Error });
    }
  }
  if (due.length > 0) deps.logger.info("sweeper re-drove due notifications", { count: due.length, redriven });
  return redriven;
}

/** The drift check; a failure (the store) is logged and left to the next run, never failing the sweep. */
async function driftIfDue(
  deps: ChangeDeps,
  drift: DriftDeps,
  deadline: number,
): Promise<DriftRun | undefined> {
  try {
    return await checkDrift(deps, drift, deadline);
  } catch (error) {
    deps.logger.error("the drift check failed; the next run does it again", { error: error as Error });
    return undefined;
  }
}
