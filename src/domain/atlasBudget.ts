import type { GcraPace } from "./rateLimit.js";

/**
 * The gateway's share of one Atlas rate limit. Atlas limits each endpoint set with a token bucket per scope
 * (project, organisation, user or IP): `capacity` tokens, refilled by `refill` every `seconds`
 * (docs/atlas-api.md §2.3). Every Lambda container draws from one budget kept in DynamoDB, paced so that Atlas
 * never has to refuse: the budget is a GCRA bucket (see `decideGcra`) that Atlas's bucket always covers.
 */

/** An Atlas token bucket, as `GET /api/atlas/v2/rateLimits` or `ATLAS_RATE_BUDGET` gives it. */
export interface AtlasRateLimit {
  capacity: number;
  refill: number;
  /** The refill period; whole seconds on Atlas, fractions allowed for rehearsals against the simulator. */
  seconds: number;
}

/**
 * The budget's pace for an Atlas bucket. Atlas refills in steps whose phase the gateway cannot see, so a
 * budget refilling smoothly at `refill/seconds` with the full `capacity` as its burst could spend a token
 * Atlas only adds at its next step. Two margins make it safe whatever the phase:
 * - the burst is `capacity - refill` (at least 1): in any span of length T the budget allows at most
 *   `burst + refill·T/seconds` requests, and Atlas at least `capacity + refill·⌊T/seconds⌋`;
 * - the interval is stretched by `guardMs` (network jitter between containers and Atlas, clock skew), so that
 *   requests taken a token apart cannot arrive at Atlas closer together than its refill allows.
 */
export function budgetPace(limit: AtlasRateLimit, guardMs: number): GcraPace {
  const windowMs = limit.seconds * 1000;
  // The guard never costs more than a quarter of the window (a one-second rehearsal bucket stays usable).
  const guard = Math.min(Math.max(0, guardMs), windowMs / 4);
  return {
    intervalMs: (windowMs + guard) / limit.refill,
    burst: Math.max(1, limit.capacity - limit.refill),
  };
}

/**
 * The earliest `tat` an Atlas answer allows (undefined: it teaches nothing the budget would not already do).
 * - `Retry-After` (a 429 or 503): no token before it has passed;
 * - `RateLimit-Remaining`: other clients of the same key share Atlas's bucket, so the budget holds no more
 *   than `remaining - refill` tokens (the same margin as the burst), never more than Atlas has left.
 */
export function tatFloor(
  answer: { remaining?: number; retryAfterMs?: number },
  now: number,
  pace: GcraPace,
  limit: AtlasRateLimit | undefined,
): number | undefined {
  const floors: number[] = [];
  const tolerance = (pace.burst - 1) * pace.intervalMs;
  if (answer.retryAfterMs !== undefined && answer.retryAfterMs > 0) {
    floors.push(now + answer.retryAfterMs + tolerance);
  }
  if (answer.remaining !== undefined && limit !== undefined) {
    const available = answer.remaining - limit.refill;
    floors.push(now + (pace.burst - available) * pace.intervalMs);
  }
  const floor = floors.length === 0 ? undefined : Math.max(...floors);
  // A floor at or before now + nothing spent leaves the bucket as full as it may be: no write needed.
  return floor !== undefined && floor > now ? Math.ceil(floor) : undefined;
}

/** `<capacity>/<refill>/<seconds>` (e.g. `100/100/60`); undefined when it is not of that form. */
export function parseAtlasRateLimit(text: string): AtlasRateLimit | undefined {
  const parts = text.trim().split("/");
  if (parts.length !== 3) return undefined;
  const [capacity, refill, seconds] = parts.map(Number) as [number, number, number];
  const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1_000_000;
  if (!whole(capacity) || !whole(refill) || !(seconds > 0 && seconds <= 86_400)) return undefined;
  return refill > capacity ? undefined : { capacity, refill, seconds };
}

/**
 * The limit of one endpoint set from `GET /api/atlas/v2/rateLimits` (`RateLimitEndpointSetResponse`), and
 * whether it is per project (`scope` GROUP/PROJECT) so the budget is kept per project. Undefined when the
 * entry lacks a usable number.
 */
export function rateLimitOfEndpointSet(
  entry: unknown,
): { limit: AtlasRateLimit; perProject: boolean } | undefined {
  if (!entry || typeof entry !== "object") return undefined;
  const set = entry as Record<string, unknown>;
  const value = (field: string): number | undefined => {
    const holder = set[field] as { value?: unknown } | undefined;
    return typeof holder?.value === "number" ? holder.value : undefined;
  };
  const [capacity, refill, seconds] = [
    value("capacity"),
    value("refillRate"),
    value("refillDurationSeconds"),
  ];
  if (capacity === undefined || refill === undefined || seconds === undefined) return undefined;
  const limit = parseAtlasRateLimit(`${capacity}/${refill}/${seconds}`);
  const scope = typeof set.scope === "string" ? set.scope.toUpperCase() : "";
  return limit && { limit, perProject: scope === "GROUP" || scope === "PROJECT" };
}
