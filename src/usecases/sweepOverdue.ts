import type { ChangeDeps } from "./ChangeDeps.js";
import { recheckChange } from "./recheckChange.js";

export interface SweepOptions {
  /** A check this late is considered lost (Scheduler fires within a minute, and retries). */
  graceMs: number;
  /** At most this many changes per run; the next run takes the rest. */
  limit: number;
}

/**
 * The safety net: finds changes whose next check is overdue by more than `graceMs` (a schedule that could
 * not be created, a function that died) through the store's due index — never a scan — and re-checks them.
 * Re-checking is idempotent per attempt, so racing a late schedule is harmless.
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
  return { found: overdue.length, results };
}
