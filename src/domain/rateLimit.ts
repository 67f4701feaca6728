/** A token bucket: `burst` changes at once, refilled at `perMinute`. */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

/** A token bucket as GCRA sees it: one token every `intervalMs`, `burst` at once. */
export interface GcraPace {
  intervalMs: number;
  burst: number;
}

/** What the bucket says to one more change: go ahead (the bucket's new state), or wait this long. */
export type RateDecision = { allowed: true; nextTat: number } | { allowed: false; retryAfterMs: number };

/**
 * The token bucket as GCRA (generic cell rate algorithm): the bucket's whole state is one number, the
 * theoretical arrival time `tat` (epoch ms) at which it is full again, so one conditional write on one
 * attribute keeps it exact across Lambda containers. A change is allowed while `tat` is less than
 * `burst - 1` intervals ahead of now; each allowed change moves `tat` one interval on.
 *
 * @example decideRate(undefined, 0, { perMinute: 30, burst: 10 }) // { allowed: true, nextTat: 2000 }
 */
export function decideRate(tat: number | undefined, now: number, limit: RateLimit): RateDecision {
  return decideGcra(tat, now, { intervalMs: 60_000 / limit.perMinute, burst: limit.burst });
}

/** {@link decideRate} for any interval (Atlas's budget refills per its own window, not per minute). */
export function decideGcra(tat: number | undefined, now: number, pace: GcraPace): RateDecision {
  const tolerance = (pace.burst - 1) * pace.intervalMs;
  const start = Math.max(tat ?? now, now);
  const ahead = start - now;
  if (ahead > tolerance) return { allowed: false, retryAfterMs: Math.ceil(ahead - tolerance) };
  return { allowed: true, nextTat: start + pace.intervalMs };
}
