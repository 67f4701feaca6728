import { retryAfterMs } from "../../domain/retryAfter.js";
/** How hard the Atlas client tries before it gives Atlas's last answer back. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** 429 and these 5xx are worth another try; every other 4xx is Atlas's final word. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Exponential backoff with full jitter (a uniformly random delay up to the exponential cap), so many
 * gateways retrying together do not hammer Atlas in lock-step.
 *
 * @param failures how many attempts have failed so far (1 after the first)
 */
export function backoffDelayMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * cap);
}

/** The wait before the next attempt: the jittered backoff, but never less than Atlas asked for. */
export function nextDelayMs(
  failures: number,
  retryAfterHeader: string | undefined,
  nowMs: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  return Math.max(backoffDelayMs(failures, policy, random), retryAfterMs(retryAfterHeader, nowMs) ?? 0);
}
