import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { type AtlasOutcome, applyOutcome } from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";
import { ATLAS_BUDGET_EMPTY } from "../../../src/usecases/atlasCall.js";

const policy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function change(): ChangeRecord {
  return newChange(
    {
      id: "c1",
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

const budgetEmpty = (retryAfterMs: number): AtlasOutcome => ({
  kind: "unavailable",
  errorCode: ATLAS_BUDGET_EMPTY,
  detail: "Atlas budget empty",
  retryAfterMs,
  notSent: true,
});

describe("a look the Atlas budget held back", () => {
  it("keeps the state and what Atlas said, notes it once, and comes back when the token is due", () => {
    const seen = applyOutcome(change(), { kind: "unavailable", httpStatus: 503 }, T0, policy);
    const first = applyOutcome(seen, budgetEmpty(4_000), T0 + 1_000, policy);
    expect(first.state).toBe("RETRYING");
    expect(first.atlas).toEqual(seen.atlas);
    expect(first.attempt).toBe(seen.attempt + 1);
    expect(first.leaseUntil).toBeUndefined();
    expect(first.history.at(-1)?.note).toBe(
      `Atlas budget empty: not sent, next token at ${new Date(T0 + 5_000).toISOString()}`,
    );
    // Due when the token is (the re-check delay of 60 s does not apply), within its spread.
    expect(first.nextCheckAt).toBeGreaterThanOrEqual(T0 + 5_000);
    expect(first.nextCheckAt).toBeLessThan(T0 + 5_000 + 2 * 60_000 * 16);
    const second = applyOutcome(first, budgetEmpty(2_000), T0 + 6_000, policy);
    expect(second.history).toHaveLength(first.history.length);
  });

  it("still times out at the deadline", () => {
    const c = change();
    const late = applyOutcome(c, budgetEmpty(1_000), c.deadline, policy);
    expect(late.state).toBe("TIMED_OUT");
  });

  it("keeps a change Atlas is working on in its state, with its status", () => {
    const working = applyOutcome(
      change(),
      { kind: "peer", httpStatus: 200, peer: { status: "INITIATING" } },
      T0,
      policy,
    );
    const held = applyOutcome(working, budgetEmpty(500), T0 + 100, policy);
    expect(held).toMatchObject({ state: "IN_PROGRESS", atlas: working.atlas, waitingChecks: 0 });
  });
});
