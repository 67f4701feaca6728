import { describe, expect, it } from "vitest";
import {
  decodeChange,
  decodeIdempotency,
  decodeLock,
  encodeChange,
  encodeIdempotency,
  encodeLock,
} from "../../../src/adapters/aws/dynamodb/codec.js";
import { decodeCursor, encodeCursor } from "../../../src/adapters/aws/dynamodb/cursor.js";
import { projectPageQuery } from "../../../src/adapters/aws/dynamodb/queries.js";
import {
  changeTableDefinition,
  projectSortKey,
  TTL_ATTRIBUTE,
} from "../../../src/adapters/aws/dynamodb/table.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { ChangeStoreError, InvalidChangeCursorError } from "../../../src/ports/ChangeStore.js";

const T0 = 1_750_000_000_000;

function change(overrides: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id: "c1",
    version: 3,
    callerId: "ci",
    channel: "slack",
    operation: "update",
    groupId: "g1",
    peerId: "p1",
    provider: "GCP",
    apiVersion: "v1.0",
    query: { envelope: true },
    desired: "{}",
    state: "WAITING_FOR_USER",
    atlas: { status: "WAITING_FOR_USER" },
    attempt: 2,
    waitingChecks: 1,
    deadline: T0 + 1,
    history: [{ at: "2025-06-15T15:06:40.000Z", from: null, to: "WAITING_FOR_USER" }],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe("change codec", () => {
  it("adds the table and byProject keys and round-trips the record", () => {
    const record = change({ reason: "r", expiresAt: 1_800_000_000 });
    const item = encodeChange(record);
    expect(item).toMatchObject({
      pk: "CHANGE#c1",
      sk: "CHANGE",
      gsi1pk: "PROJECT#g1",
      gsi1sk: `00${T0}#c1`,
      [TTL_ATTRIBUTE]: 1_800_000_000,
    });
    expect(decodeChange(item)).toStrictEqual(record);
  });

  it("indexes a change as due only while it is not terminal and has a next check", () => {
    expect(encodeChange(change({ nextCheckAt: T0 + 5 }))).toMatchObject({ duePk: "DUE", dueAt: T0 + 5 });
    for (const record of [change(), change({ nextCheckAt: T0 + 5, state: "SUCCEEDED" })]) {
      const item = encodeChange(record);
      expect(item).not.toHaveProperty("duePk");
      expect(item).not.toHaveProperty("dueAt");
    }
  });

  it("leaves absent optional fields absent after decoding", () => {
    const decoded = decodeChange(encodeChange(change()));
    expect(Object.keys(decoded)).not.toContain("reason");
    expect(Object.keys(decoded)).not.toContain("nextCheckAt");
    expect(Object.keys(decoded)).not.toContain("expiresAt");
  });

  it("refuses a malformed item, naming the field but not its value", () => {
    const item = { ...encodeChange(change()), version: "three-secret" };
    expect(() => decodeChange(item)).toThrow(ChangeStoreError);
    expect(() => decodeChange(item)).toThrow(/field version/);
    expect(() => decodeChange(item)).not.toThrow(/three-secret/);
    expect(() => decodeChange({ ...encodeChange(change()), history: {} })).toThrow(/field history/);
  });

  it("round-trips locks and idempotency entries", () => {
    const lock = encodeLock("g1", "p1", { changeId: "c1", since: T0 });
    expect(lock).toMatchObject({ pk: "LOCK#g1#p1", sk: "LOCK", changeId: "c1", since: T0 });
    expect(decodeLock(lock)).toStrictEqual({ changeId: "c1", since: T0 });
    const entry = { callerId: "ci", key: "k", bodyHash: "ab", changeId: "c1", expiresAt: 1_800_000_000 };
    const idem = encodeIdempotency(entry);
    expect(idem).toMatchObject({ pk: "IDEM#ci#k", sk: "IDEM", [TTL_ATTRIBUTE]: 1_800_000_000 });
    expect(decodeIdempotency(idem)).toStrictEqual(entry);
  });
});

describe("list cursor and query", () => {
  it("round-trips a sort key through an opaque base64url cursor", () => {
    const sortKey = projectSortKey(T0, "id#with#hashes");
    const cursor = encodeCursor(sortKey);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(sortKey);
  });

  it("refuses cursors it did not make", () => {
    const forged = (body: unknown) => Buffer.from(JSON.stringify(body)).toString("base64url");
    for (const cursor of ["%%%", "", forged(null), forged({ after: 5 }), forged({ after: "12#x" })]) {
      expect(() => decodeCursor(cursor)).toThrow(InvalidChangeCursorError);
    }
  });

  it("orders sort keys by creation time as strings", () => {
    expect(projectSortKey(999, "z") < projectSortKey(1000, "a")).toBe(true);
  });

  it("filters with attribute names (state is reserved) and resumes after the cursor's change", () => {
    const after = projectSortKey(T0, "c9");
    const input = projectPageQuery("t", { groupId: "g1", peerId: "p1", state: "FAILED" }, 7, after);
    expect(input).toMatchObject({
      IndexName: "byProject",
      ScanIndexForward: false,
      Limit: 7,
      FilterExpression: "#peerId = :peerId AND #state = :state",
      ExclusiveStartKey: { pk: "CHANGE#c9", sk: "CHANGE", gsi1pk: "PROJECT#g1", gsi1sk: after },
    });
    const plain = projectPageQuery("t", { groupId: "g1" }, 3, undefined);
    expect(plain).not.toHaveProperty("FilterExpression");
    expect(plain).not.toHaveProperty("ExclusiveStartKey");
  });
});

describe("change table definition", () => {
  it("is on-demand with the byProject and due indexes projecting everything", () => {
    const table = changeTableDefinition("changes");
    expect(table.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    const indexes = table.GlobalSecondaryIndexes?.map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema?.map((key) => key.AttributeName),
      projection: index.Projection?.ProjectionType,
    }));
    expect(indexes).toEqual([
      { name: "byProject", keys: ["gsi1pk", "gsi1sk"], projection: "ALL" },
      { name: "due", keys: ["duePk", "dueAt"], projection: "ALL" },
    ]);
    expect(table.AttributeDefinitions).toContainEqual({ AttributeName: "dueAt", AttributeType: "N" });
  });
});
