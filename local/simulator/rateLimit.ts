/**
 * The numbers behind the `RateLimit-Limit` / `RateLimit-Remaining` headers Atlas sends
 * (docs/atlas-api.md §1.2, §2.3). The simulator only reports a sliding one-minute window; it never refuses a
 * request on its own, because a rehearsal must decide when a 429 happens (use a 429 fault for that).
 */

/** Requests per window the headers advertise. */
export const RATE_LIMIT = 100;

/** Window length in milliseconds. */
export const RATE_WINDOW_MS = 60_000;

/** Counts API requests over the last minute of the (injectable) clock. */
export class RateLimitWindow {
  readonly #now: () => number;
  #hits: number[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Counts one request and returns the headers to send with its answer. */
  hit(): Record<string, string> {
    const now = this.#now();
    this.#hits = this.#hits.filter((at) => at > now - RATE_WINDOW_MS && at <= now);
    this.#hits.push(now);
    // Past the limit the exact count no longer matters: keep the array bounded.
    if (this.#hits.length > RATE_LIMIT) this.#hits = this.#hits.slice(-RATE_LIMIT);
    return {
      "RateLimit-Limit": String(RATE_LIMIT),
      "RateLimit-Remaining": String(Math.max(0, RATE_LIMIT - this.#hits.length)),
    };
  }

  /** Forgets past requests. */
  reset(): void {
    this.#hits = [];
  }
}
