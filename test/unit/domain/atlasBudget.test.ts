import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AtlasRateLimit,
  budgetPace,
  parseAtlasRateLimit,
  rateLimitOfEndpointSet,
  tatFloor,
} from "../../../src/domain/atlasBudget.js";
import { budgetWaitDelay } from "../../../src/domain/change/budgetWait.js";
import { decideGcra } from "../../../src/domain/rateLimit.js";

/** Atlas's bucket as the simulator models it: full at `phase`, `refill` more every `seconds` after. */
class SteppedBucket {
  private tokens: number;
  private since: number;
  constructor(
    private readonly limit: AtlasRateLimit,
    phase: number,
  ) {
    this.tokens = limit.capacity;
    this.since = phase;
  }
  take(at: number): boolean {
    const step = this.limit.seconds * 1000;
    const steps = Math.floor((at - this.since) / step);
    if (steps > 0) {
      this.tokens = Math.min(this.limit.capacity, this.tokens + steps * this.limit.refill);
      this.since += steps * step;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const limits = fc
  .record({
    capacity: fc.integer({ min: 1, max: 50 }),
    refill: fc.integer({ min: 1, max: 50 }),
    seconds: fc.integer({ min: 1, max: 120 }),
  })
  .filter((l) => l.refill <= l.capacity);

/** Times at which containers ask for a token, as gaps in ms (a burst is many zero gaps). */
const asks = fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 });

/** Replays asks through the budget; the times granted. */
function granted(limit: AtlasRateLimit, gaps: number[], guardMs: number, start: number): number[] {
  const pace = budgetPace(limit, guardMs);
  let tat: number | undefined;
  let now = start;
  const times: number[] = [];
  for (const gap of gaps) {
    now += gap;
    const decision = decideGcra(tat, now, pace);
    if (decision.allowed) {
      tat = decision.nextTat;
      times.push(now);
    }
  }
  return times;
}

describe("the Atlas budget's pace", () => {
  it("never sends a request Atlas's stepped bucket would refuse, whatever the phase of its refills", () => {
    fc.assert(
      fc.property(limits, asks, fc.double({ min: 0, max: 1, noNaN: true }), (limit, gaps, phaseShare) => {
        const start = 1_750_000_000_000;
        const atlas = new SteppedBucket(limit, start - phaseShare * limit.seconds * 1000);
        for (const at of granted(limit, gaps, 0, start)) expect(atlas.take(at)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("stays within Atlas's bucket when requests reach Atlas up to the guard late (network jitter)", () => {
    fc.assert(
      fc.property(
        limits,
        asks,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 300, maxLength: 300 }),
        (limit, gaps, phaseShare, delays) => {
          const start = 1_750_000_000_000;
          const guardMs = Math.min(100, (limit.seconds * 1000) / 4);
          const arrivals = granted(limit, gaps, 100, start)
            .map((at, i) => at + Math.min(guardMs, delays[i] ?? 0))
            .sort((a, b) => a - b);
          const atlas = new SteppedBucket(limit, start - phaseShare * limit.seconds * 1000);
          for (const at of arrivals) expect(atlas.take(at)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("never lets more than the capacity through in any one refill window", () => {
    fc.assert(
      fc.property(limits, asks, (limit, gaps) => {
        const times = granted(limit, gaps, 0, 0);
        const windowMs = limit.seconds * 1000;
        for (let i = 0; i < times.length; i++) {
          const inWindow = times.filter((t) => t >= (times[i] ?? 0) && t < (times[i] ?? 0) + windowMs);
          expect(inWindow.length).toBeLessThanOrEqual(limit.capacity);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("bursts capacity - refill at once, then one token per refill share", () => {
    expect(budgetPace({ capacity: 10, refill: 5, seconds: 60 }, 0)).toEqual({ intervalMs: 12_000, burst: 5 });
    expect(budgetPace({ capacity: 100, refill: 100, seconds: 60 }, 500)).toEqual({
      intervalMs: 605,
      burst: 1,
    });
    // The guard never costs more than a quarter of a short rehearsal window.
    expect(budgetPace({ capacity: 10, refill: 5, seconds: 0.5 }, 500).intervalMs).toBe(125);
  });
});

describe("what Atlas's answers teach the budget", () => {
  const limit = { capacity: 10, refill: 5, seconds: 60 };
  const pace = budgetPace(limit, 0);

  it("grants nothing before Retry-After has passed, whatever the bucket held", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        (wait, probe) => {
          const floor = tatFloor({ retryAfterMs: wait }, 0, pace, limit) ?? 0;
          expect(decideGcra(floor, probe, pace).allowed).toBe(probe >= wait);
        },
      ),
    );
  });

  it("holds no more than Atlas's RateLimit-Remaining less one refill", () => {
    // Atlas has 7 left: the budget may spend 2 now, then waits for a token.
    const floor = tatFloor({ remaining: 7 }, 0, pace, limit);
    let tat = floor;
    const now = 0;
    const spent = [1, 2, 3].map(() => {
      const decision = decideGcra(tat, now, pace);
      if (decision.allowed) tat = decision.nextTat;
      return decision.allowed;
    });
    expect(spent).toEqual([true, true, false]);
    // A full Atlas bucket teaches nothing (no write needed).
    expect(tatFloor({ remaining: 10 }, 0, pace, limit)).toBeUndefined();
    // Without a known limit, the remaining count cannot be sized: only Retry-After counts.
    expect(tatFloor({ remaining: 0 }, 0, pace, undefined)).toBeUndefined();
  });
});

describe("reading limits", () => {
  it("parses <capacity>/<refill>/<seconds> and refuses anything else", () => {
    expect(parseAtlasRateLimit("100/100/60")).toEqual({ capacity: 100, refill: 100, seconds: 60 });
    for (const bad of ["", "10/5", "0/1/60", "5/10/60", "a/b/c", "10/5/0", "10/5/60/1"]) {
      expect(parseAtlasRateLimit(bad)).toBeUndefined();
    }
  });

  it("reads an endpoint set of GET /rateLimits, and its project scope", () => {
    const set = {
      capacity: { defaultValue: 100, value: 10 },
      refillRate: { value: 5 },
      refillDurationSeconds: { value: 60 },
      scope: "GROUP",
    };
    expect(rateLimitOfEndpointSet(set)).toEqual({
      limit: { capacity: 10, refill: 5, seconds: 60 },
      perProject: true,
    });
    expect(rateLimitOfEndpointSet({ ...set, scope: "USER" })?.perProject).toBe(false);
    expect(rateLimitOfEndpointSet({ ...set, capacity: {} })).toBeUndefined();
    expect(rateLimitOfEndpointSet("nonsense")).toBeUndefined();
  });
});

describe("a change waiting for the budget", () => {
  it("comes back no sooner than the token is due, within a spread that grows with each wait", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 100, max: 60_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (wait, recheck, checks, jitter) => {
          const delay = budgetWaitDelay(wait, recheck, checks, jitter);
          expect(delay).toBeGreaterThanOrEqual(wait);
          expect(delay).toBeLessThanOrEqual(wait + 16 * Math.max(wait, recheck));
        },
      ),
    );
    expect(budgetWaitDelay(1_000, 150, 1, 0.5)).toBe(1_500);
    expect(budgetWaitDelay(1_000, 150, 3, 0.5)).toBe(3_000);
  });
});
