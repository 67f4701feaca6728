import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../../src/adapters/aws/dynamodb/codec.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { ChangeStoreError } from "../../../src/ports/ChangeStore.js";

const T0 = 1_750_000_000_000;

const retrying: ChangeRecord = {
  id: "c1",
  version: 4,
  callerId: "ci",
  channel: "http",
  operation: "update",
  groupId: "g1",
  peerId: "p1",
  provider: "AWS",
  apiVersion: "v2",
  query: {},
  desired: '{"vpcId":"vpc-0123456789abcdef0"}',
  state: "RETRYING",
  atlas: { httpStatus: 503 },
  attempt: 3,
  waitingChecks: 0,
  retryingChecks: 3,
  nextCheckAt: T0 + 240_000,
  deadline: T0 + 1,
  history: [{ at: "2025-06-15T15:06:40.000Z", from: null, to: "RETRYING" }],
  createdAt: T0,
  updatedAt: T0,
};

describe("the RETRYING backoff count in the store", () => {
  it("survives a round trip, so the backoff resumes where it was", () => {
    expect(decodeChange(encodeChange(retrying))).toEqual(retrying);
  });

  it("is absent on records written before it was kept (the backoff starts over)", () => {
    const { retryingChecks: _, ...older } = retrying;
    expect(decodeChange(encodeChange(older))).toEqual(older);
  });

  it("refuses a malformed count, naming the field", () => {
    expect(() => decodeChange({ ...encodeChange(retrying), retryingChecks: "3" })).toThrow(
      new ChangeStoreError("A stored change item is malformed: field retryingChecks."),
    );
  });
});
