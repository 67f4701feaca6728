import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { delayBeforeNextCheck } from "../../../src/domain/change/cadence.js";
import {
  type AtlasOutcome,
  applyOutcome,
  RETENTION_SECONDS,
  stateAfter,
  withState,
} from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";

const policy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

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
      desired: '{"awsAccountId":"123456789012","accepterRegionName":"us-east-1"}',
    },
    T0,
    policy,
    T0 + 30_000,
  );
}

const peer = (status: string, extra: object = {}): AtlasOutcome => ({
  kind: "peer",
  httpStatus: 200,
  peer: { status, ...extra },
});

describe("a new change", () => {
  it("is recorded as RETRYING with a check already due, before anything is sent", () => {
    expect(change()).toMatchObject({
      state: "RETRYING",
      version: 1,
      attempt: 0,
      nextCheckAt: T0 + 60_000,
      deadline: T0 + policy.deadlineMs,
    });
  });
});

describe("stateAfter", () => {
  it.each([
    ["RETRYING", { kind: "refused", httpStatus: 400, errorCode: "INVALID_ATTRIBUTE" }, "REJECTED"],
    ["RETRYING", { kind: "unavailable", httpStatus: 503 }, "RETRYING"],
    ["RETRYING", { kind: "unavailable" }, "RETRYING"],
    ["IN_PROGRESS", { kind: "refused", httpStatus: 404, errorCode: "PEER_NOT_FOUND" }, "FAILED"],
    ["IN_PROGRESS", { kind: "refused", httpStatus: 401 }, "IN_PROGRESS"],
    ["WAITING_FOR_USER", { kind: "unavailable", httpStatus: 429 }, "WAITING_FOR_USER"],
    [
      "IN_PROGRESS",
      { kind: "peer", httpStatus: 200, peer: { status: "FAILED", error: "REJECTED" } },
      "FAILED",
    ],
  ] as const)("from %s after %j is %s", (from, outcome, to) => {
    expect(stateAfter(from, outcome as AtlasOutcome)).toBe(to);
  });
});

describe("applyOutcome", () => {
  it("follows an AWS peering to SUCCEEDED, recording each Atlas status once", () => {
    let c = change();
    const statuses = ["INITIATING", "INITIATING", "PENDING_ACCEPTANCE", "FINALIZING", "AVAILABLE"];
    statuses.forEach((status, i) => {
      c = applyOutcome(
        c,
        peer(status, status === "PENDING_ACCEPTANCE" ? { connectionId: "pcx-1" } : {}),
        T0 + i * 60_000,
        policy,
      );
    });
    expect(c.state).toBe("SUCCEEDED");
    expect(c.history.map((h) => `${h.to}:${h.atlasStatus ?? ""}`)).toEqual([
      "RETRYING:",
      "IN_PROGRESS:INITIATING",
      "WAITING_FOR_USER:PENDING_ACCEPTANCE",
      "IN_PROGRESS:FINALIZING",
      "SUCCEEDED:AVAILABLE",
    ]);
    expect(c.atlas.connectionId).toBe("pcx-1");
    expect(c.nextCheckAt).toBeUndefined();
    expect(c.expiresAt).toBe(Math.floor((T0 + 4 * 60_000) / 1000) + RETENTION_SECONDS);
    expect(c.version).toBe(6);
    expect(c.attempt).toBe(5);
  });

  it("backs off while a person must act, up to the ceiling", () => {
    let c = applyOutcome(change(), peer("INITIATING"), T0, policy);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const now = T0 + (i + 1) * 1_000_000;
      c = applyOutcome(c, peer("PENDING_ACCEPTANCE"), now, policy);
      delays.push((c.nextCheckAt ?? 0) - now);
    }
    expect(delays).toEqual([60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
  });

  it("waits at least Atlas's Retry-After before sending again", () => {
    const c = applyOutcome(
      change(),
      { kind: "unavailable", httpStatus: 429, retryAfterMs: 120_000, errorCode: "RATE_LIMITED" },
      T0,
      policy,
    );
    expect(c).toMatchObject({
      state: "RETRYING",
      nextCheckAt: T0 + 120_000,
      atlas: { httpStatus: 429, errorCode: "RATE_LIMITED" },
    });
    expect(c.history.at(-1)?.note).toBe("Atlas unavailable: RATE_LIMITED");
  });

  it("never schedules past the deadline, and times out there", () => {
    // WAITING_FOR_USER (a GCP/Azure-style wait): an AWS request's own expiry is expiry.test.ts's.
    const c0 = applyOutcome(change(), peer("WAITING_FOR_USER"), T0, policy);
    const nearEnd = c0.deadline - 10_000;
    const c1 = applyOutcome(c0, peer("WAITING_FOR_USER"), nearEnd, policy);
    expect(c1.nextCheckAt).toBe(c0.deadline);
    const c2 = applyOutcome(c1, peer("WAITING_FOR_USER"), c0.deadline, policy);
    expect(c2).toMatchObject({ state: "TIMED_OUT" });
    expect(c2.history.at(-1)).toMatchObject({
      from: "WAITING_FOR_USER",
      to: "TIMED_OUT",
      note: "deadline passed",
    });
  });

  it("still reports success found at the deadline", () => {
    const c0 = applyOutcome(change(), peer("PENDING_ACCEPTANCE"), T0, policy);
    expect(applyOutcome(c0, peer("AVAILABLE"), c0.deadline + 1, policy).state).toBe("SUCCEEDED");
  });

  it("keeps the reason of a FAILED peer", () => {
    const c = applyOutcome(change(), peer("FAILED", { error: "REJECTED" }), T0, policy);
    expect(c).toMatchObject({ state: "FAILED", atlas: { status: "FAILED", error: "REJECTED" } });
    expect(c.history.at(-1)?.note).toBe("Atlas reports REJECTED");
  });
});

describe("withState", () => {
  it("cancels: a terminal transition that ends checking", () => {
    const c = withState(change(), "CANCELLED", T0 + 5, undefined, "cancelled by ci");
    expect(c).toMatchObject({ state: "CANCELLED", version: 2, attempt: 1 });
    expect(c.nextCheckAt).toBeUndefined();
    expect(c.history.at(-1)).toMatchObject({ from: "RETRYING", to: "CANCELLED", note: "cancelled by ci" });
  });

  it("bounds the wait delay for other states by the re-check delay", () => {
    expect(delayBeforeNextCheck("IN_PROGRESS", policy, 0)).toBe(60_000);
    expect(delayBeforeNextCheck("RETRYING", policy, 0, 5_000)).toBe(60_000);
  });
});
