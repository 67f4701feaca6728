import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { type AtlasOutcome, applyOutcome, peerHoldsDesired } from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";
import { outcomeOf } from "../../../src/usecases/atlasCall.js";

const policy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

const FULL = {
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: "5f1e2d3c4b5a69788796a5d0",
  routeTableCidrBlock: "10.9.0.0/21",
  vpcId: "vpc-0123456789abcdef0",
};

function change(desired: object = FULL): ChangeRecord {
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
      desired: JSON.stringify(desired),
    },
    T0,
    policy,
    T0 + 30_000,
  );
}

/** Atlas answering with the peer AVAILABLE and holding `settings`. */
const available = (settings: Record<string, unknown>): AtlasOutcome => ({
  kind: "peer",
  httpStatus: 200,
  peer: { status: "AVAILABLE", connectionId: "pcx-0123456789abcdef0" },
  settings: { ...settings, statusName: "AVAILABLE", connectionId: "pcx-0123456789abcdef0" },
});

describe("a change settles SUCCEEDED only when Atlas holds what was asked", () => {
  it("is SUCCEEDED when the AVAILABLE peer holds the desired settings", () => {
    const next = applyOutcome(change(), available(FULL), T0, policy);
    expect(next.state).toBe("SUCCEEDED");
    expect(next.atlas.errorCode).toBeUndefined();
  });

  it("is FAILED with SETTINGS_NOT_APPLIED and the diff when the AVAILABLE peer holds another CIDR", () => {
    const next = applyOutcome(
      change(),
      available({ ...FULL, routeTableCidrBlock: "10.0.0.0/21" }),
      T0,
      policy,
    );
    expect(next.state).toBe("FAILED");
    expect(next.atlas).toMatchObject({
      status: "AVAILABLE",
      errorCode: "SETTINGS_NOT_APPLIED",
      detail: "routeTableCidrBlock: Atlas holds 10.0.0.0/21, asked 10.9.0.0/21",
    });
    expect(next.history.at(-1)).toMatchObject({
      to: "FAILED",
      atlasStatus: "AVAILABLE",
      note: expect.stringContaining("routeTableCidrBlock: Atlas holds 10.0.0.0/21, asked 10.9.0.0/21"),
    });
    expect(next.nextCheckAt).toBeUndefined();
    expect(next.expiresAt).toBeDefined();
  });

  it("names every differing field, a missing one included", () => {
    const { vpcId: _gone, ...withoutVpc } = FULL;
    const next = applyOutcome(
      change(),
      available({ ...withoutVpc, awsAccountId: "210987654321" }),
      T0,
      policy,
    );
    expect(next.state).toBe("FAILED");
    expect(next.atlas.detail).toBe(
      "awsAccountId: Atlas holds 210987654321, asked 123456789012; vpcId: Atlas holds no value, asked vpc-0123456789abcdef0",
    );
  });

  it("compares only the fields a partial (v1.0) body sent", () => {
    const partial = change({ routeTableCidrBlock: "10.9.0.0/21" });
    const peer = { ...FULL, vpcId: "vpc-00000000000000000", awsAccountId: "999999999999" };
    expect(applyOutcome(partial, available(peer), T0, policy).state).toBe("SUCCEEDED");
    const reverted = { ...peer, routeTableCidrBlock: "10.0.0.0/21" };
    expect(applyOutcome(partial, available(reverted), T0, policy)).toMatchObject({
      state: "FAILED",
      atlas: { errorCode: "SETTINGS_NOT_APPLIED" },
    });
  });

  it("takes an absent providerName as AWS", () => {
    const withProvider = change({ ...FULL, providerName: "AWS" });
    expect(applyOutcome(withProvider, available(FULL), T0, policy).state).toBe("SUCCEEDED");
    expect(applyOutcome(change(), available({ ...FULL, providerName: "AWS" }), T0, policy).state).toBe(
      "SUCCEEDED",
    );
  });

  it("counts a null accepterRegionName on the peer as the desired region (the container's region)", () => {
    const next = applyOutcome(change(), available({ ...FULL, accepterRegionName: null }), T0, policy);
    expect(next.state).toBe("SUCCEEDED");
    // Another region than the one asked is still a mismatch.
    const other = applyOutcome(change(), available({ ...FULL, accepterRegionName: "eu-west-1" }), T0, policy);
    expect(other).toMatchObject({ state: "FAILED", atlas: { errorCode: "SETTINGS_NOT_APPLIED" } });
    expect(other.atlas.detail).toBe("accepterRegionName: Atlas holds eu-west-1, asked us-east-1");
  });

  it("keeps the strict rule for the re-send decision: a null region is not held", () => {
    const desired = JSON.stringify(FULL);
    expect(peerHoldsDesired(desired, JSON.stringify(FULL))).toBe(true);
    expect(peerHoldsDesired(desired, JSON.stringify({ ...FULL, accepterRegionName: null }))).toBe(false);
  });

  it("does not judge settings before the peer settled", () => {
    const outcome: AtlasOutcome = {
      kind: "peer",
      httpStatus: 200,
      peer: { status: "INITIATING" },
      settings: { ...FULL, routeTableCidrBlock: "10.0.0.0/21", statusName: "INITIATING" },
    };
    expect(applyOutcome(change(), outcome, T0, policy).state).toBe("IN_PROGRESS");
  });
});

describe("outcomeOf carries the peer's settings", () => {
  const answer = (status: number, body: unknown) => ({
    status,
    headers: {},
    body: JSON.stringify(body),
    latencyMs: 1,
    attempts: 1,
  });
  const peer = { ...FULL, statusName: "AVAILABLE", errorStateName: null };

  it("as Atlas answered the peer", () => {
    expect(outcomeOf(answer(200, peer), T0)).toMatchObject({ kind: "peer", settings: peer });
  });

  it("unwrapped from envelope=true", () => {
    const outcome = outcomeOf(answer(200, { status: 200, content: peer }), T0, true);
    expect(outcome).toMatchObject({ kind: "peer", peer: { status: "AVAILABLE" }, settings: peer });
  });
});
