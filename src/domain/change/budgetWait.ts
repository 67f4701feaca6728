import { RETRYING_MAX_DELAY_MS } from "./cadence.js";

/**
 * A look at Atlas the gateway did not make because the shared Atlas rate budget was empty (see
 * domain/atlasBudget.ts): nothing was sent, so nothing was learnt and no PATCH counts as sent. The change
 * keeps its state and what Atlas last said, and is looked at again when a token is due.
 */

/** How the history records it; one entry per run of such checks (later ones in a row add nothing). */
export const BUDGET_NOTE_PREFIX = "Atlas budget empty";

/** The history note for a check that waits for a token due at `retryAtMs`. */
export function budgetNote(retryAtMs: number): string {
  return `${BUDGET_NOTE_PREFIX}: not sent, next token at ${new Date(retryAtMs).toISOString()}`;
}

/** Whether the last note in `history` already says the budget was empty (the run goes on). */
export function inBudgetRun(history: ReadonlyArray<{ note?: string }>): boolean {
  return history.at(-1)?.note?.startsWith(BUDGET_NOTE_PREFIX) === true;
}

/** Never spread one change's wait wider than this many token waits (or re-check delays). */
const MAX_SPREAD_FACTOR = 16;

/**
 * The wait before the next look: the token's due time, plus a share of a spread that doubles with each
 * check in a row that found the budget empty (`checks`, from 1). Every change that found the budget empty
 * was told the same due time; the spread keeps them from all coming back for the same token, and grows until
 * the changes waiting fit the budget. `jitter` in [0, 1) (see `jitterFor`).
 */
export function budgetWaitDelay(
  retryAfterMs: number,
  recheckDelayMs: number,
  checks: number,
  jitter: number,
): number {
  const unit = Math.max(retryAfterMs, recheckDelayMs);
  const factor = Math.min(MAX_SPREAD_FACTOR, 2 ** Math.max(0, checks - 1));
  const spread = Math.min(RETRYING_MAX_DELAY_MS, unit * factor);
  return Math.max(0, retryAfterMs) + Math.floor(jitter * spread);
}
