import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbAuditLog } from "../../src/adapters/aws/dynamodb/DynamoDbAuditLog.js";
import { auditKey, auditPartition, TTL_ATTRIBUTE } from "../../src/adapters/aws/dynamodb/table.js";
import type { AuditRecord } from "../../src/ports/AuditLog.js";
import { InvalidChangeCursorError } from "../../src/ports/ChangeStore.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

const TABLE = "audit-log-test";
const T0 = 1_750_000_000_000;

let dynamo: LocalDynamo;
let audit: DynamoDbAuditLog;
let groups = 0;

/** A project id of its own per test, so tests sharing the table never see each other's records. */
function freshGroup(): string {
  groups += 1;
  return `5f1e2d3c4b5a6978879${String(groups).padStart(5, "0")}`;
}

/** A record with only the required fields (plus `groupId`); `overrides` adds or changes any. */
function entry(id: string, groupId: string | undefined, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id,
    at: T0,
    requestId: `req-${id}`,
    channel: "http",
    outcome: "accepted",
    ...(groupId === undefined ? {} : { groupId }),
    ...overrides,
  };
}

async function partitionSize(groupId: string | undefined): Promise<number> {
  const answer = await dynamo.doc.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": auditPartition(groupId) },
    }),
  );
  return answer.Items?.length ?? 0;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureChangeTable(dynamo.client, TABLE);
  audit = new DynamoDbAuditLog({ client: dynamo.doc, tableName: TABLE });
});

afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbAuditLog", () => {
  it("round-trips a record with only the required fields, keeping absent fields absent", async () => {
    const group = freshGroup();
    const minimal = entry("a1", group);
    await audit.record(minimal);
    const page = await audit.list({ groupId: group, since: 0, limit: 10 });
    expect(page).toEqual({ items: [minimal] });
    expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(Object.keys(minimal).sort());
  });

  it("round-trips every optional field, payloads included exactly", async () => {
    const group = freshGroup();
    const full = entry("a2", group, {
      callerId: "ci-pipeline",
      channel: "slack",
      outcome: "completed",
      reason: "atlas",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      changeId: "chg-1",
      asked: { routeTableCidrBlock: "10.15.0.0/24", nested: [1, { deep: null }], empty: "" },
      before: { statusName: "AVAILABLE", routeTableCidrBlock: "10.0.0.0/24" },
      after: "a plain string payload",
      atlas: { httpStatus: 400, status: "FAILED", error: "REJECTED", errorCode: "INVALID_ATTRIBUTE" },
      state: "REJECTED",
      detail: "routeTableCidrBlock",
    });
    await audit.record(full);
    expect(await audit.list({ groupId: group, since: 0, limit: 10 })).toEqual({ items: [full] });
  });

  it("stores the TTL from the retention and the documented key", async () => {
    const group = freshGroup();
    const shortLived = new DynamoDbAuditLog({ client: dynamo.doc, tableName: TABLE, retentionDays: 2 });
    await shortLived.record(entry("ttl", group));
    await audit.record(entry("ttl-default", group));
    const read = (id: string) =>
      dynamo.doc.send(new GetCommand({ TableName: TABLE, Key: auditKey(group, T0, id) }));
    expect((await read("ttl")).Item?.[TTL_ATTRIBUTE]).toBe(T0 / 1000 + 2 * 86_400);
    expect((await read("ttl-default")).Item?.[TTL_ATTRIBUTE]).toBe(T0 / 1000 + 400 * 86_400);
    expect((await read("ttl")).Item?.pk).toBe(`AUDIT#${group}`);
    expect((await read("ttl")).Item?.sk).toBe(`00${T0}#ttl`);
  });

  it("lists newest first and only records at or after `since`", async () => {
    const group = freshGroup();
    for (const [id, at] of [
      ["old", T0],
      ["mid", T0 + 1_000],
      ["new", T0 + 2_000],
      ["edge", T0 + 1_000],
    ] as const) {
      await audit.record(entry(id, group, { at }));
    }
    const all = await audit.list({ groupId: group, since: 0, limit: 10 });
    expect(all.items.map((r) => r.id)).toEqual(["new", "mid", "edge", "old"]);
    const recent = await audit.list({ groupId: group, since: T0 + 1_000, limit: 10 });
    expect(recent.items.map((r) => r.id)).toEqual(["new", "mid", "edge"]);
    expect(await audit.list({ groupId: group, since: T0 + 2_001, limit: 10 })).toEqual({ items: [] });
  });

  it("pages 25 records by 10 with no gaps or duplicates, and no cursor on the last page", async () => {
    const group = freshGroup();
    const ids = Array.from({ length: 25 }, (_, i) => `r${String(i).padStart(2, "0")}`);
    await Promise.all(ids.map((id, i) => audit.record(entry(id, group, { at: T0 + i * 10 }))));
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list({ groupId: group, since: T0, limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.id));
      sizes.push(page.items.length);
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual([...ids].reverse());
  });

  it("keeps two projects' records apart", async () => {
    const [a, b] = [freshGroup(), freshGroup()];
    await audit.record(entry("in-a", a));
    await audit.record(entry("in-b", b));
    expect((await audit.list({ groupId: a, since: 0, limit: 10 })).items.map((r) => r.id)).toEqual(["in-a"]);
    expect((await audit.list({ groupId: b, since: 0, limit: 10 })).items.map((r) => r.id)).toEqual(["in-b"]);
  });

  it("stores a record without a project under AUDIT#-, outside every project", async () => {
    const anonymous = entry("no-group", undefined, { outcome: "refused", reason: "authentication" });
    await audit.record(anonymous);
    const stored = await dynamo.doc.send(
      new GetCommand({ TableName: TABLE, Key: auditKey(undefined, T0, "no-group") }),
    );
    expect(stored.Item?.pk).toBe("AUDIT#-");
    expect(stored.Item).not.toHaveProperty("groupId");
    expect(stored.Item).not.toHaveProperty("callerId");
    expect(await audit.list({ groupId: "-", since: 0, limit: 10 })).toEqual({ items: [anonymous] });
  });

  it("ignores a duplicate record of the same entry: no throw, one item", async () => {
    const group = freshGroup();
    const once = entry("dup", group, { detail: "first" });
    await audit.record(once);
    await expect(audit.record(once)).resolves.toBeUndefined();
    await expect(audit.record({ ...once, detail: "retried" })).resolves.toBeUndefined();
    expect(await partitionSize(group)).toBe(1);
    expect((await audit.list({ groupId: group, since: 0, limit: 10 })).items).toEqual([once]);
  });

  it("refuses a cursor it did not make", async () => {
    const group = freshGroup();
    for (const cursor of ["not-a-cursor", Buffer.from('{"after":"x"}').toString("base64url")]) {
      await expect(audit.list({ groupId: group, since: 0, limit: 10, cursor })).rejects.toBeInstanceOf(
        InvalidChangeCursorError,
      );
    }
  });

  it("answers an empty page for a cursor older than `since`", async () => {
    const group = freshGroup();
    await Promise.all([0, 1, 2].map((i) => audit.record(entry(`c${i}`, group, { at: T0 + i }))));
    const first = await audit.list({ groupId: group, since: 0, limit: 1 });
    const cursor = first.cursor ?? "";
    expect(await audit.list({ groupId: group, since: T0 + 5, limit: 1, cursor })).toEqual({ items: [] });
  });

  it("rejects an out-of-range limit and a record without a usable time", async () => {
    await expect(audit.list({ groupId: freshGroup(), since: 0, limit: 0 })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(audit.record(entry("bad", freshGroup(), { at: Number.NaN }))).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
