import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import {
  AWS_REQUEST_LIFETIME_MS,
  EXPIRY_GRACE_MS,
  REQUEST_EXPIRED,
  recordAwsExpiry,
} from "../../../src/domain/change/expiry.js";
import { type AtlasOutcome, applyOutcome } from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";
import { notificationFor } from "../../../src/domain/change/notification.js";
import { toView } from "../../../src/domain/change/view.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
/** A deadline well past the request's 7 days, so that only the request's own expiry ends the wait. */
const policy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 10 * 24 * HOUR };
const PCX = "pcx-0a1b2c3d4e5f60718";

function change(deadlineMs = policy.deadlineMs): ChangeRecord {
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
      desired:
        '{"awsAccountId":"123456789012","accepterRegionName":"us-east-1","vpcId":"vpc-0123456789abcdef0"}',
    },
    T0,
    { ...policy, deadlineMs },
    T0 + 30_000,
  );
}

const peerIs = (status: string, connectionId?: string): AtlasOutcome => ({
  kind: "peer",
  httpStatus: 200,
  peer: { status, ...(connectionId ? { connectionId } : {}) },
});
const pending = (connectionId = PCX) => peerIs("PENDING_ACCEPTANCE", connectionId);
const initiating = peerIs("INITIATING");

/** Applies `outcome` at `now` and returns the next record with the notification its write carries. */
function step(record: ChangeRecord, outcome: AtlasOutcome, now: number) {
  const next = applyOutcome(record, outcome, now, policy);
  return { next, notification: notificationFor(next, record, now) };
}

/** A change that first saw its request pending at `seenAt` (after one INITIATING look at T0 + 1 min). */
function waiting(seenAt = T0 + 2 * 60_000): ChangeRecord {
  return step(step(change(), initiating, T0 + 60_000).next, pending(), seenAt).next;
}

describe("the acceptance window", () => {
  it("without AWS's time, runs 7 days from the first PENDING_ACCEPTANCE observation", () => {
    const seenAt = T0 + 2 * 60_000;
    const record = waiting(seenAt);
    expect(record.acceptance).toEqual({
      acceptBy: seenAt + AWS_REQUEST_LIFETIME_MS,
      from: "estimate",
      seenAt,
      connectionId: PCX,
      warned: [],
    });
    const later = step(record, pending(), seenAt + HOUR).next;
    expect(later.acceptance?.acceptBy).toBe(seenAt + AWS_REQUEST_LIFETIME_MS);
    expect(toView(later)).toMatchObject({
      acceptBy: new Date(seenAt + AWS_REQUEST_LIFETIME_MS).toISOString(),
      acceptByFrom: "estimate",
    });
  });

  it("uses AWS's expirationTime when the gateway could describe the peering, and keeps it", () => {
    const awsTime = "2026-12-04T09:30:00.000Z";
    const record = recordAwsExpiry(waiting(), awsTime);
    expect(record.acceptance).toMatchObject({
      acceptBy: Date.parse(awsTime),
      from: "aws",
      connectionId: PCX,
    });
    const later = step(record, pending(), T0 + 3 * HOUR).next;
    expect(later.acceptance).toMatchObject({ acceptBy: Date.parse(awsTime), from: "aws" });
    expect(toView(later).acceptByFrom).toBe("aws");
    expect(recordAwsExpiry(record, "not a time")).toBe(record);
  });

  it("starts again for a new request (re-initiated: another pcx)", () => {
    const record = waiting();
    const renewed = step(record, pending("pcx-0f0e0d0c0b0a09080"), T0 + 2 * 24 * HOUR).next;
    expect(renewed.acceptance).toMatchObject({
      connectionId: "pcx-0f0e0d0c0b0a09080",
      acceptBy: T0 + 2 * 24 * HOUR + AWS_REQUEST_LIFETIME_MS,
      warned: [],
    });
  });

  it("is not opened for a wait without an AWS request (GCP, Azure: WAITING_FOR_USER)", () => {
    const { next } = step({ ...change(), provider: "GCP" }, peerIs("WAITING_FOR_USER"), T0 + 60_000);
    expect(next.acceptance).toBeUndefined();
    expect(toView(next).acceptBy).toBeUndefined();
  });
});

describe("expiry warnings", () => {
  it("go out 24 h and 1 h before, each once, as notifications of their own kind", () => {
    const seenAt = T0 + 2 * 60_000;
    const acceptBy = seenAt + AWS_REQUEST_LIFETIME_MS;
    let record = waiting(seenAt);
    const warnings: Array<{ at: number; hoursLeft: number; id: string }> = [];
    for (let at = seenAt + 5 * 60_000; at < acceptBy; at += 20 * 60_000) {
      const { next, notification } = step(record, pending(), at);
      if (notification?.warning)
        warnings.push({ at, hoursLeft: notification.warning.hoursLeft, id: notification.id });
      record = next;
    }
    expect(warnings.map((w) => w.hoursLeft)).toEqual([24, 1]);
    expect(warnings[0]?.at).toBeGreaterThanOrEqual(acceptBy - 24 * HOUR);
    expect(warnings[1]?.at).toBeGreaterThanOrEqual(acceptBy - HOUR);
    expect(new Set(warnings.map((w) => w.id)).size).toBe(2);
    const notes = record.history.filter((t) => t.note?.startsWith("⏳"));
    expect(notes.map((t) => t.note)).toEqual([
      expect.stringMatching(
        /^⏳ pcx-0a1b2c3d4e5f60718 expires in 24 h \(at .*\): accept it in AWS account 123456789012, region us-east-1/,
      ),
      expect.stringContaining("expires in 1 h"),
    ]);
  });

  it("bring the next check forward to the warning time, never past it", () => {
    const seenAt = T0 + 2 * 60_000;
    const acceptBy = seenAt + AWS_REQUEST_LIFETIME_MS;
    // 24 h 1 min before the end: the human-wait backoff says 2 minutes; the warning is due in 1.
    const record = step(waiting(seenAt), pending(), acceptBy - 24 * HOUR - 60_000).next;
    expect(record.nextCheckAt).toBe(acceptBy - 24 * HOUR);
    const { next, notification } = step(record, pending(), acceptBy - 24 * HOUR);
    expect(notification?.warning?.hoursLeft).toBe(24);
    expect(next.nextCheckAt).toBeLessThanOrEqual(acceptBy - HOUR);
  });

  it("of a request first seen with less than an hour left: one warning (1 h), the 24 h one is moot", () => {
    const acceptBy = T0 + 40 * 60_000;
    let record = recordAwsExpiry(waiting(T0 + 2 * 60_000), new Date(acceptBy).toISOString());
    const kinds: number[] = [];
    for (const at of [T0 + 5 * 60_000, T0 + 8 * 60_000, T0 + 12 * 60_000]) {
      const { next, notification } = step(record, pending(), at);
      if (notification?.warning) kinds.push(notification.warning.hoursLeft);
      record = next;
    }
    expect(kinds).toEqual([1]);
    expect(record.acceptance?.warned).toEqual([24, 1]);
  });

  it("is not sent on the check that starts the wait (that one announces WAITING_FOR_USER), but on the next", () => {
    const start = step(change(), initiating, T0 + 60_000).next;
    const aws = recordAwsExpiry(start, new Date(T0 + 30 * 60_000).toISOString(), PCX);
    const entered = step(aws, pending(), T0 + 2 * 60_000);
    expect(entered.notification?.warning).toBeUndefined();
    expect(entered.notification?.view.state).toBe("WAITING_FOR_USER");
    expect(entered.next.nextCheckAt).toBe(T0 + 3 * 60_000);
    expect(step(entered.next, pending(), T0 + 3 * 60_000).notification?.warning?.hoursLeft).toBe(1);
  });

  it("never repeat, whatever the times of the checks (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 * HOUR }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 8 * 24 * HOUR }),
        (gaps, offset) => {
          let record = waiting();
          let at = T0 + 2 * 60_000 + offset;
          const seen: number[] = [];
          for (const gap of gaps) {
            at += gap;
            if (record.state !== "WAITING_FOR_USER") break;
            const { next, notification } = step(record, pending(), at);
            if (notification?.warning) seen.push(notification.warning.hoursLeft);
            record = next;
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect([...seen].sort((a, b) => b - a)).toEqual(seen);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("an expired request", () => {
  it("that Atlas reports EXPIRED ends the change FAILED, saying so plainly, with the way out", () => {
    const record = waiting();
    const expired: AtlasOutcome = {
      kind: "peer",
      httpStatus: 200,
      peer: { status: "FAILED", error: "EXPIRED", connectionId: PCX },
    };
    const next = applyOutcome(record, expired, T0 + 7 * 24 * HOUR, policy);
    expect(next.state).toBe("FAILED");
    expect(next.history.at(-1)?.note).toBe(
      `${PCX}: the AWS peering request expired unaccepted after 7 days (Atlas reports EXPIRED); send the change again to make a new request`,
    );
    expect(toView(next).remediation).toMatch(
      /^Nobody accepted .* send the change again with both awsAccountId and vpcId/,
    );
  });

  it("still PENDING_ACCEPTANCE past acceptBy (and the grace) ends the change FAILED by the clock", () => {
    const seenAt = T0 + 2 * 60_000;
    const acceptBy = seenAt + AWS_REQUEST_LIFETIME_MS;
    const record = waiting(seenAt);
    expect(applyOutcome(record, pending(), acceptBy + 60_000, policy).state).toBe("WAITING_FOR_USER");
    const next = applyOutcome(record, pending(), acceptBy + EXPIRY_GRACE_MS, policy);
    expect(next).toMatchObject({
      state: "FAILED",
      atlas: { status: "PENDING_ACCEPTANCE", errorCode: REQUEST_EXPIRED },
    });
    expect(next.nextCheckAt).toBeUndefined();
    expect(next.history.at(-1)?.note).toMatch(
      new RegExp(`^${PCX}: the AWS peering request expired unaccepted after 7 days \\(at .*, estimated\\)`),
    );
    expect(toView(next).remediation).toMatch(/^Nobody accepted the VPC peering request within AWS's 7 days/);
    expect(notificationFor(next, record, acceptBy + EXPIRY_GRACE_MS)?.warning).toBeUndefined();
  });

  it("with the default deadline (7 days from submission) is still called expired, not timed out", () => {
    const week = AWS_REQUEST_LIFETIME_MS;
    const start = step(change(week), initiating, T0 + 60_000).next;
    const record = step(start, pending(), T0 + 5 * 60_000).next;
    const acceptBy = T0 + 5 * 60_000 + week;
    expect(record.deadline).toBe(acceptBy + EXPIRY_GRACE_MS);
    const last = applyOutcome(record, pending(), acceptBy + EXPIRY_GRACE_MS, policy);
    expect(last).toMatchObject({ state: "FAILED", atlas: { errorCode: REQUEST_EXPIRED } });
    // A deadline the operator set shorter is theirs: the change times out as before.
    const short = step(
      step(change(24 * HOUR), initiating, T0 + 60_000).next,
      pending(),
      T0 + 5 * 60_000,
    ).next;
    expect(short.deadline).toBe(T0 + 24 * HOUR);
  });
});
