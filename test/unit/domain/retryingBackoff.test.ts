import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { delayBeforeNextCheck } from "../../../src/domain/change/cadence.js";
import { type AtlasOutcome, applyOutcome } from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";

const policy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const HOUR = 3_600_000;
const unavailable: AtlasOutcome = { kind: "unavailable", httpStatus: 503, errorCode: "SERVICE_UNAVAILABLE" };

function change(id = "c1"): ChangeRecord {
  return newChange(
    {
      id,
      callerId: "ci",
      channel: "http",
      operation: "update",
      groupId: "5f1e2d3c4b5a69788796a5b4",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      provider: "AWS",
      apiVersion: "v2",
      query: {},
      desired: '{"vpcId":"vpc-0123456789abcdef0"}',
    },
    T0,
    policy,
    T0 + 30_000,
  );
}

/** The times Atlas is sent the PATCH while it answers 503 for the whole life of the change. */
function sendTimesUnderOutage(id: string): number[] {
  let c = change(id);
  let now = T0;
  const sends: number[] = [];
  while (c.state === "RETRYING") {
    sends.push(now);
    c = applyOutcome(c, unavailable, now, policy);
    now = c.nextCheckAt ?? now;
  }
  return sends;
}

describe("backoff while Atlas has not accepted the PATCH (RETRYING)", () => {
  it("widens the window exponentially from the re-check delay to a 1 h cap; the jitter picks the point", () => {
    const checks = [1, 2, 3, 4, 5, 6, 7, 8, 20];
    const at = (jitter: number) =>
      checks.map((n) => delayBeforeNextCheck("RETRYING", policy, n, undefined, jitter));
    expect(at(0)).toEqual(checks.map(() => 60_000));
    expect(at(0.5)).toEqual([
      60_000, 90_000, 150_000, 270_000, 510_000, 990_000, 1_830_000, 1_830_000, 1_830_000,
    ]);
    expect(at(0.999_999).map((d) => Math.round(d / 1_000))).toEqual([
      60, 120, 240, 480, 960, 1_920, 3_600, 3_600, 3_600,
    ]);
  });

  it("honours Retry-After as the floor of the window, even above the cap", () => {
    expect(delayBeforeNextCheck("RETRYING", policy, 3, 200_000, 0)).toBe(200_000);
    expect(delayBeforeNextCheck("RETRYING", policy, 3, 200_000, 0.5)).toBe(220_000);
    expect(delayBeforeNextCheck("RETRYING", policy, 9, 2 * HOUR, 0.5)).toBe(2 * HOUR);
  });

  it("counts consecutive RETRYING checks, and forgets them once Atlas took the change", () => {
    let c = change();
    const counts: Array<number | undefined> = [];
    for (let i = 0; i < 3; i++) {
      c = applyOutcome(c, unavailable, T0 + i * HOUR, policy);
      counts.push(c.retryingChecks);
    }
    c = applyOutcome(
      c,
      { kind: "peer", httpStatus: 200, peer: { status: "INITIATING" } },
      T0 + 4 * HOUR,
      policy,
    );
    expect(counts).toEqual([1, 2, 3]);
    expect(c).toMatchObject({ state: "IN_PROGRESS", nextCheckAt: T0 + 4 * HOUR + 60_000 });
    expect(c.retryingChecks ?? 0).toBe(0);
  });

  it("jitters deterministically per change and attempt, so changes in one outage spread out", () => {
    const first = sendTimesUnderOutage("chg-a").slice(0, 8);
    expect(sendTimesUnderOutage("chg-a").slice(0, 8)).toEqual(first); // the same change: the same schedule
    const fifth = ["chg-a", "chg-b", "chg-c", "chg-d", "chg-e"].map((id) => sendTimesUnderOutage(id)[5]);
    expect(new Set(fifth).size).toBe(5);
  });

  it("sends a handful of PATCHes in the first hour of an outage and about 2 an hour after, not 60", () => {
    const ids = Array.from({ length: 200 }, (_, i) => `chg-${i}`);
    const runs = ids.map(sendTimesUnderOutage);
    const inFirstHour = runs.map((sends) => sends.filter((t) => t < T0 + HOUR).length);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(inFirstHour)).toBeGreaterThan(5);
    expect(mean(inFirstHour)).toBeLessThan(10);
    // Steady state: windows of [60 s, 1 h], a mean gap of about 30 min, never longer than the cap.
    const later = runs.map((sends) => sends.filter((t) => t >= T0 + 24 * HOUR).length / 144);
    expect(mean(later)).toBeGreaterThan(1.6);
    expect(mean(later)).toBeLessThan(2.4);
    for (const sends of runs) {
      // The last gap ends at the deadline, so it may be shorter than the re-check delay.
      const gaps = sends.slice(1, -1).map((t, i) => t - (sends[i] ?? 0));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(HOUR);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60_000);
    }
  });
});
