import type { ChangeState } from "../peering/status.js";

/** How often to look at a change, by situation. All in milliseconds. */
export interface CadencePolicy {
  /** While Atlas is working (and the floor everywhere): `RECHECK_DELAY_SECONDS`, default 60 s. */
  recheckDelayMs: number;
  /** The ceiling of the backoff while a person must act: `RECHECK_HUMAN_WAIT_MAX_SECONDS`, default 300 s. */
  humanWaitMaxMs: number;
  /** How long a change is followed at most: `CHANGE_DEADLINE_HOURS`, default 168 h (AWS expires requests after 7 days). */
  deadlineMs: number;
}

/**
 * The wait before the next check. While Atlas works: the re-check delay. While a person must act: doubling
 * from the re-check delay up to the ceiling (people take minutes to hours; polling every few seconds as
 * Terraform does buys nothing). While the PATCH is not accepted yet: the re-check delay, but never sooner
 * than Atlas's `Retry-After`.
 *
 * @param waitingChecks consecutive checks (including this one) that found a person must act
 */
export function delayBeforeNextCheck(
  state: ChangeState,
  policy: CadencePolicy,
  waitingChecks: number,
  retryAfterMs?: number,
): number {
  if (state === "WAITING_FOR_USER") {
    const doubled = policy.recheckDelayMs * 2 ** Math.max(0, waitingChecks - 1);
    return Math.max(policy.recheckDelayMs, Math.min(policy.humanWaitMaxMs, doubled));
  }
  return Math.max(policy.recheckDelayMs, retryAfterMs ?? 0);
}

/** The time of the next check: after the delay, but never past the deadline (the last check is at it). */
export function nextCheckTime(now: number, delayMs: number, deadline: number): number {
  return Math.min(now + delayMs, Math.max(deadline, now));
}
