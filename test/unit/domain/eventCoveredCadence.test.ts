import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { type CadencePolicy, delayBeforeNextCheck } from "../../../src/domain/change/cadence.js";
import { AWS_REQUEST_LIFETIME_MS } from "../../../src/domain/change/expiry.js";
import { type AtlasOutcome, applyOutcome } from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";
import { isTerminal } from "../../../src/domain/peering/status.js";

/**
 * The human wait's backoff when the acceptance reaches the gateway as an event (PEER_EVENT_ACCOUNTS): longer
 * for a request in a covered account, exactly as before for every other change, and never past the expiry
 * warnings.
 */

const HOUR = 3_600_000;
const COVERED = "111122223333";
const OTHER = "444455556666";
const plain: CadencePolicy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * HOUR };
const covered = (waitMaxMs = 1_800_000): CadencePolicy => ({
  ...plain,
  eventCovered: { accountIds: [COVERED], waitMaxMs },
});
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

function change(desired: Record<string, string>, provider: "AWS" | "AZURE" = "AWS"): ChangeRecord {
  return newChange(
    {
      id: "c-covered",
      callerId: "ci",
      channel: "http",
      operation: "update",
      groupId: "5f1e2d3c4b5a69788796a5b4",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      provider,
      apiVersion: "v2",
      query: {},
      desired: JSON.stringify(desired),
    },
    T0,
    plain,
    T0,
  );
}

const pending = (settings?: Record<string, unknown>): AtlasOutcome => ({
  kind: "peer",
  httpStatus: 200,
  peer: { status: "PENDING_ACCEPTANCE" },
  ...(settings ? { settings } : {}),
});

/** The PATCH at T0, then every check at its nextCheckAt seeing the request still pending, until the end. */
function followPending(start: ChangeRecord, policy: CadencePolicy, outcome = pending()) {
  let c = applyOutcome(start, outcome, T0, policy);
  const looks = [T0];
  while (!isTerminal(c.state) && c.nextCheckAt !== undefined) {
    looks.push(c.nextCheckAt);
    c = applyOutcome(c, outcome, c.nextCheckAt, policy);
  }
  return { looks, end: c };
}

const gaps = (looks: readonly number[]) => looks.slice(1).map((t, i) => t - (looks[i] ?? 0));

describe("the human wait of a request whose acceptance arrives as an event", () => {
  it("backs off to the covered ceiling for a covered account (60, 120 … 960 s, then 1800 s)", () => {
    const { looks } = followPending(change({ awsAccountId: COVERED }), covered());
    expect(gaps(looks).slice(0, 7)).toEqual([60, 120, 240, 480, 960, 1800, 1800].map((s) => s * 1000));
    // The first hour of waiting costs 5 scheduled GETs instead of today's 13.
    expect(looks.filter((t) => t > T0 && t <= T0 + HOUR)).toHaveLength(5);
    const today = followPending(change({ awsAccountId: COVERED }), plain).looks;
    expect(today.filter((t) => t > T0 && t <= T0 + HOUR)).toHaveLength(13);
  });

  it("reads the account Atlas reports for the peer when the body did not name one", () => {
    const observed = pending({ awsAccountId: COVERED, vpcId: "vpc-1" });
    const { looks } = followPending(change({ routeTableCidrBlock: "10.0.0.0/21" }), covered(), observed);
    expect(Math.max(...gaps(looks).slice(0, 10))).toBe(1_800_000);
  });

  it("changes nothing for another account, another provider, or a policy without covered accounts", () => {
    const cases: [ChangeRecord, CadencePolicy][] = [
      [change({ awsAccountId: OTHER }), covered()],
      [change({ awsAccountId: COVERED }, "AZURE"), covered()],
      [change({ awsAccountId: COVERED }), { ...plain, eventCovered: { accountIds: [], waitMaxMs: HOUR } }],
    ];
    const today = followPending(change({ awsAccountId: COVERED }), plain).looks;
    expect(Math.max(...gaps(today))).toBe(300_000);
    for (const [start, policy] of cases) expect(followPending(start, policy).looks).toEqual(today);
  });

  it("never exceeds the covered ceiling, and is never sparser than today without coverage", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 24 * 3_600 }),
        (checks, coveredSeconds) => {
          const policy = covered(coveredSeconds * 1000);
          const today = delayBeforeNextCheck("WAITING_FOR_USER", plain, checks);
          const without = delayBeforeNextCheck("WAITING_FOR_USER", policy, checks, undefined, 0, false);
          const withIt = delayBeforeNextCheck("WAITING_FOR_USER", policy, checks, undefined, 0, true);
          expect(without).toBe(today);
          expect(withIt).toBeLessThanOrEqual(Math.max(plain.humanWaitMaxMs, coveredSeconds * 1000));
          expect(withIt).toBeGreaterThanOrEqual(today);
          for (const state of ["IN_PROGRESS", "RETRYING"] as const)
            expect(delayBeforeNextCheck(state, policy, checks, undefined, 0.5, true)).toBe(
              delayBeforeNextCheck(state, plain, checks, undefined, 0.5),
            );
        },
      ),
    );
  });

  it("still announces both expiry warnings on time and says the request expired", () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 12 * 3_600 }), (coveredSeconds) => {
        const { looks, end } = followPending(
          change({ awsAccountId: COVERED }),
          covered(coveredSeconds * 1000),
        );
        expect(Math.max(...gaps(looks))).toBeLessThanOrEqual(Math.max(300_000, coveredSeconds * 1000));
        const acceptBy = T0 + AWS_REQUEST_LIFETIME_MS;
        const notes = end.history.map((h) => h.note ?? "");
        expect(notes.filter((n) => n.includes("expires in 24 h"))).toHaveLength(1);
        expect(notes.filter((n) => n.includes("expires in 1 h"))).toHaveLength(1);
        // Each warning goes out at its time (within the re-check delay), not up to a ceiling later.
        for (const due of [acceptBy - 24 * HOUR, acceptBy - HOUR])
          expect(looks.some((t) => t >= due && t <= due + plain.recheckDelayMs)).toBe(true);
        expect(end).toMatchObject({ state: "FAILED", atlas: { errorCode: "PEERING_REQUEST_EXPIRED" } });
      }),
      { numRuns: 15 },
    );
  });
});
