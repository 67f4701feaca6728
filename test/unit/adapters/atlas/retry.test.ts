import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableStatus, nextDelayMs } from "../../../../src/adapters/atlas/retry.js";
import { retryAfterMs } from "../../../../src/domain/retryAfter.js";

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("retry policy", () => {
  it("retries 429 and 500/502/503/504 only", () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 409, 501, 505].some(isRetryableStatus)).toBe(false);
  });

  it("grows the jitter cap exponentially up to the maximum", () => {
    const max = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, max))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-28T12:00:00Z");
    expect(retryAfterMs("55", now)).toBe(55_000);
    expect(retryAfterMs("Sat, 28 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it("never waits less than Retry-After asks", () => {
    expect(nextDelayMs(1, "2", 0, policy, () => 0.5)).toBe(2_000);
    expect(nextDelayMs(4, undefined, 0, policy, () => 0.5)).toBe(400);
  });
});
