import { AtlasHttpError, atlasError } from "./errors.js";

/**
 * Atlas's rate limits (docs/atlas-api.md §1.2, §2.3): each endpoint set is a token bucket per scope with a
 * `capacity`, refilled by `refill` tokens every `seconds`; each request takes one token; an empty bucket
 * answers 429 with `Retry-After` (until the next refill) and `RateLimit-Limit` / `RateLimit-Remaining`.
 *
 * Without `ATLAS_SIM_RATE_LIMIT` the simulator only reports a sliding one-minute window of 100 and never
 * refuses on its own (a rehearsal decides when a 429 happens with a fault). With it, every project's bucket is
 * enforced: refills come in whole steps, `refill` tokens at a time once per `seconds` since the bucket's first
 * request, which is why Atlas's 429 says "retry after 55 seconds" rather than after one token's share.
 */

/** Requests per window the advisory headers report. */
export const RATE_LIMIT = 100;

/** Window length of the advisory headers, in milliseconds. */
export const RATE_WINDOW_MS = 60_000;

/** A token bucket as `GET /api/atlas/v2/rateLimits` describes one. */
export interface TokenBucketLimit {
  capacity: number;
  refill: number;
  /** May be fractional in the simulator (tests run a bucket in fractions of a second); Atlas's are whole. */
  seconds: number;
}

/** The endpoint set the simulator puts the peering and container endpoints in (Atlas's name is not known). */
export const ENDPOINT_SET_ID = "networkPeering_group";

/** `<capacity>/<refill>/<seconds>`, as `ATLAS_SIM_RATE_LIMIT` spells it; throws naming what is wrong. */
export function parseRateLimit(text: string, name = "ATLAS_SIM_RATE_LIMIT"): TokenBucketLimit {
  const parts = text.trim().split("/");
  const [capacity, refill, seconds] = parts.map(Number);
  const whole = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n >= 1;
  if (parts.length !== 3 || !whole(capacity) || !whole(refill) || !(seconds !== undefined && seconds > 0)) {
    throw new Error(`${name} must be <capacity>/<refill>/<seconds> (e.g. 10/5/60), got "${text}"`);
  }
  if ((refill ?? 0) > (capacity ?? 0))
    throw new Error(`${name}: refill cannot exceed capacity, got "${text}"`);
  return { capacity: capacity as number, refill: refill as number, seconds: seconds as number };
}

/** One scope's bucket: tokens left and when its refill steps started. */
interface Bucket {
  tokens: number;
  since: number;
}

/** What one request costs: its answer's headers, or the 429 to send instead. */
export type RateAnswer = { headers: Record<string, string> } | { refused: AtlasHttpError };

/** The simulator's rate limits: advisory headers, or enforced token buckets per scope. */
export class RateLimits {
  readonly #now: () => number;
  readonly #limit: TokenBucketLimit | undefined;
  #hits: number[] = [];
  #buckets = new Map<string, Bucket>();

  constructor(now: () => number, limit?: TokenBucketLimit) {
    this.#now = now;
    this.#limit = limit;
  }

  /** The enforced bucket's shape, undefined when the headers are advisory only. */
  get limit(): TokenBucketLimit | undefined {
    return this.#limit;
  }

  /**
   * Counts one authenticated request in `scope` (a project id, or the caller for endpoints outside a project)
   * to `path`, and says what to answer.
   */
  take(scope: string, path: string): RateAnswer {
    const limit = this.#limit;
    if (limit === undefined) return { headers: this.#advisory(true) };
    const bucket = this.#refilled(scope, limit);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { headers: bucketHeaders(limit, bucket.tokens) };
    }
    const waitMs = bucket.since + limit.seconds * 1000 - this.#now();
    return { refused: rateLimited(path, limit, Math.max(1, Math.ceil(waitMs / 1000))) };
  }

  /** The headers an unauthenticated answer (the digest challenge) carries: nothing is taken for it. */
  peek(scope: string): Record<string, string> {
    const limit = this.#limit;
    if (limit === undefined) return this.#advisory(false);
    return bucketHeaders(limit, this.#refilled(scope, limit).tokens);
  }

  /** Forgets past requests: every bucket is full again. */
  reset(): void {
    this.#hits = [];
    this.#buckets.clear();
  }

  #refilled(scope: string, limit: TokenBucketLimit): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(scope);
    if (bucket === undefined) {
      bucket = { tokens: limit.capacity, since: now };
      this.#buckets.set(scope, bucket);
    }
    const stepMs = limit.seconds * 1000;
    const steps = Math.floor((now - bucket.since) / stepMs);
    if (steps > 0) {
      bucket.tokens = Math.min(limit.capacity, bucket.tokens + steps * limit.refill);
      bucket.since += steps * stepMs;
    }
    return bucket;
  }

  #advisory(count: boolean): Record<string, string> {
    const now = this.#now();
    this.#hits = this.#hits.filter((at) => at > now - RATE_WINDOW_MS && at <= now);
    if (count) this.#hits.push(now);
    // Past the limit the exact count no longer matters: keep the array bounded.
    if (this.#hits.length > RATE_LIMIT) this.#hits = this.#hits.slice(-RATE_LIMIT);
    return {
      "RateLimit-Limit": String(RATE_LIMIT),
      "RateLimit-Remaining": String(Math.max(0, RATE_LIMIT - this.#hits.length)),
    };
  }
}

function bucketHeaders(limit: TokenBucketLimit, tokens: number): Record<string, string> {
  return { "RateLimit-Limit": String(limit.capacity), "RateLimit-Remaining": String(tokens) };
}

/** Atlas's 429: the token-bucket body on v2 paths, the older per-minute one on v1.0 paths. */
function rateLimited(path: string, limit: TokenBucketLimit, retryAfter: number): AtlasHttpError {
  const resource = path.replace(/^\//, "");
  const body = path.startsWith("/api/atlas/v2/")
    ? atlasError(
        "RATE_LIMITED_TOKEN_BUCKET",
        resource,
        retryAfter,
        limit.capacity,
        limit.refill,
        limit.seconds,
      )
    : atlasError("RATE_LIMITED", resource, limit.capacity, Math.max(1, Math.round(limit.seconds / 60)));
  const headers = { ...bucketHeaders(limit, 0), "Retry-After": String(retryAfter) };
  return new AtlasHttpError(body, headers);
}

/** The scope a request is limited in: its project for `/groups/{groupId}/…`, else the caller. */
export function rateScope(path: string): string {
  return /^\/api\/atlas\/[^/]+\/groups\/([^/]+)\//.exec(path)?.[1] ?? "caller";
}
