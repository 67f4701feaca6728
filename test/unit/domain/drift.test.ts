import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import {
  driftNotification,
  driftOf,
  isNewDrift,
  PEER_GONE_STATUS,
  type PeerReading,
} from "../../../src/domain/change/drift.js";
import { newChange } from "../../../src/domain/change/newChange.js";

/**
 * Drift (issue 15 item 4): what differs between a settled change and the peer Atlas holds now, and that one
 * drift is announced once however often it is seen, while a different one is announced again.
 */

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const CADENCE = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const DESIRED = {
  providerName: "AWS",
  accepterRegionName: "US_EAST_1",
  awsAccountId: "123456789012",
  routeTableCidrBlock: "10.30.0.0/21",
  vpcId: "vpc-0abc1234def567890",
};

function settled(callbackUrl?: string): ChangeRecord {
  const change = newChange(
    {
      id: "c-settled",
      callerId: "ci",
      channel: "http",
      operation: "update",
      groupId: "5f1e2d3c4b5a69788796a5b4",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      provider: "AWS",
      apiVersion: "v2",
      query: {},
      desired: JSON.stringify(DESIRED),
      ...(callbackUrl ? { callbackUrl } : {}),
    },
    T0,
    CADENCE,
    T0,
  );
  return { ...change, state: "SUCCEEDED", version: 4 };
}

const available = (settings: Record<string, unknown> = DESIRED): PeerReading => ({
  kind: "peer",
  status: { status: "AVAILABLE" },
  settings,
});

/** A value for one of the desired fields that differs from what the change asked. */
const changedField = fc
  .constantFrom(...(Object.keys(DESIRED) as Array<keyof typeof DESIRED>))
  .filter((field) => field !== "providerName" && field !== "accepterRegionName")
  .chain((field) =>
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((value) => value !== DESIRED[field])
      .map((value) => ({ field, value })),
  );

describe("driftOf", () => {
  it("finds nothing while Atlas holds every setting asked and the peer is AVAILABLE", () => {
    expect(driftOf(settled(), available(), T0)).toBeUndefined();
    // Atlas's null region (the container's own) holds the region asked, as when the change settled.
    expect(driftOf(settled(), available({ ...DESIRED, accepterRegionName: null }), T0)).toBeUndefined();
    // A read-only field Atlas adds is not a setting the change made.
    expect(driftOf(settled(), available({ ...DESIRED, connectionId: "pcx-1" }), T0)).toBeUndefined();
  });

  it("names each changed field with what was asked and what Atlas holds, and the change", () => {
    fc.assert(
      fc.property(changedField, ({ field, value }) => {
        const report = driftOf(settled(), available({ ...DESIRED, [field]: value }), T0);
        expect(report).toMatchObject({
          fields: [{ field, expected: DESIRED[field], actual: value }],
          atlasStatus: "AVAILABLE",
          lastChangeId: "c-settled",
          groupId: "5f1e2d3c4b5a69788796a5b4",
          peerId: "5f1e2d3c4b5a69788796a5c1",
        });
      }),
    );
  });

  it("reports a peer that went FAILED on its own, and one Atlas no longer has", () => {
    const failed: PeerReading = {
      kind: "peer",
      status: { status: "FAILED", error: "REJECTED" },
      settings: DESIRED,
    };
    expect(driftOf(settled(), failed, T0)).toMatchObject({
      fields: [],
      atlasStatus: "FAILED",
      atlasError: "REJECTED",
    });
    expect(driftOf(settled(), { kind: "gone" }, T0)).toMatchObject({ atlasStatus: PEER_GONE_STATUS });
  });

  it("is one drift while the peer passes through Atlas's working statuses, so it is announced once", () => {
    fc.assert(
      fc.property(
        changedField,
        fc.array(fc.constantFrom("INITIATING", "PENDING_ACCEPTANCE", "FINALIZING", "AVAILABLE"), {
          minLength: 1,
          maxLength: 6,
        }),
        ({ field, value }, statuses) => {
          const settings = { ...DESIRED, [field]: value };
          const first = driftOf(settled(), available(settings), T0);
          expect(isNewDrift(first, undefined)).toBe(true);
          for (const status of statuses) {
            const again = driftOf(settled(), { kind: "peer", status: { status }, settings }, T0 + 1);
            expect(isNewDrift(again, first?.signature)).toBe(false);
          }
        },
      ),
    );
  });

  it("is a new drift when the values differ otherwise, or the peer then fails", () => {
    fc.assert(
      fc.property(changedField, changedField, (a, b) => {
        fc.pre(a.field !== b.field || a.value !== b.value);
        const first = driftOf(settled(), available({ ...DESIRED, [a.field]: a.value }), T0);
        const second = driftOf(settled(), available({ ...DESIRED, [b.field]: b.value }), T0);
        expect(isNewDrift(second, first?.signature)).toBe(true);
      }),
    );
    const changed = { ...DESIRED, vpcId: "vpc-other" };
    const first = driftOf(settled(), available(changed), T0);
    const failing: PeerReading = { kind: "peer", status: { status: "FAILED" }, settings: changed };
    expect(isNewDrift(driftOf(settled(), failing, T0), first?.signature)).toBe(true);
  });
});

describe("driftNotification", () => {
  it("goes to the event and the change's callback (never a Slack reply), due at once, on a fresh version", () => {
    const slack = { channel: "slack" as const, url: "https://hooks.slack.com/commands/T1/1/abc" };
    const change = { ...settled("https://hooks.example.com/cb?token=x"), replyTo: slack };
    const report = driftOf(change, { kind: "gone" }, T0);
    if (!report) throw new Error("expected a drift");
    const first = driftNotification(change, report, 1, T0);
    const second = driftNotification(change, report, 2, T0);
    expect(first).toMatchObject({
      changeId: "c-settled",
      version: 5,
      id: "msg_c-settled_5",
      pending: ["event", "callback"],
      callbackUrl: "https://hooks.example.com/cb?token=x",
      dueAt: T0,
      drift: { lastChangeId: "c-settled", atlasStatus: PEER_GONE_STATUS },
    });
    expect(first.replyTo).toBeUndefined();
    expect(second.id).toBe("msg_c-settled_6");
    expect(driftNotification(settled(), report, 1, T0).pending).toEqual(["event"]);
  });
});
