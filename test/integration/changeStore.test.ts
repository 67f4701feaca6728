import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbChangeStore } from "../../src/adapters/aws/dynamodb/DynamoDbChangeStore.js";
import { DynamoDbNotificationOutbox } from "../../src/adapters/aws/dynamodb/DynamoDbNotificationOutbox.js";
import { changeKey, idempotencyKey, lockKey, TTL_ATTRIBUTE } from "../../src/adapters/aws/dynamodb/table.js";
import type { ChangeRecord } from "../../src/domain/change/ChangeRecord.js";
import type { ChangeQuery } from "../../src/domain/change/listQuery.js";
import { notificationFor } from "../../src/domain/change/notification.js";
import type { ChangeStore } from "../../src/ports/ChangeStore.js";
import {
  ChangeAlreadyExistsError,
  ChangeStoreError,
  InvalidChangeCursorError,
} from "../../src/ports/ChangeStore.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const OTHER_GROUP = "0123456789abcdef01234567";
const PEER = "5f1e2d3c4b5a69788796a5c1";
const T0 = 1_750_000_000_000;

let dynamo: LocalDynamo;
let tables = 0;

/** A store on a table of its own, so tests reading the whole `due` index see only their own changes. */
async function freshTable(): Promise<string> {
  tables += 1;
  const tableName = `changes-${tables}`;
  await ensureChangeTable(dynamo.client, tableName);
  return tableName;
}

async function freshStore(): Promise<DynamoDbChangeStore> {
  return new DynamoDbChangeStore({ client: dynamo.doc, tableName: await freshTable() });
}

/**
 * Records a change as the gateway does (with its peering's lock), taking the lock over from whichever test
 * change holds it, so that many changes of one peering can be set up.
 */
async function record(store: DynamoDbChangeStore, recorded: ChangeRecord): Promise<void> {
  let replacing: string | undefined;
  for (let tries = 0; tries < 50; tries++) {
    const outcome = await store.createChange(recorded, {
      nowSeconds: 0,
      ...(replacing ? { replacingLockOf: replacing } : {}),
    });
    if (outcome.created) return;
    replacing = outcome.lockedBy?.changeId;
  }
  throw new Error(`could not record ${recorded.id}`);
}

/** A change with only the required fields; `overrides` adds or changes any. */
function change(id: string, overrides: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id,
    version: 1,
    callerId: "ci-pipeline",
    channel: "http",
    operation: "update",
    groupId: GROUP,
    peerId: PEER,
    provider: "AWS",
    apiVersion: "v2",
    query: {},
    desired: '{"routeTableCidrBlock":"10.15.0.0/24"}',
    state: "IN_PROGRESS",
    atlas: {},
    attempt: 1,
    waitingChecks: 0,
    deadline: T0 + 3_600_000,
    history: [{ at: "2025-06-15T15:06:40.000Z", from: null, to: "IN_PROGRESS" }],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

const FULL_OPTIONALS = {
  query: { pretty: true, envelope: false },
  reason: "widen the CIDR",
  callbackUrl: "https://hooks.example.com/peering",
  idempotencyKey: "key-1",
  atlas: {
    status: "PENDING_ACCEPTANCE",
    error: "none",
    connectionId: "pcx-1",
    httpStatus: 200,
    errorCode: "X",
    detail: "d",
  },
  nextCheckAt: T0 + 5_000,
  expiresAt: 1_760_000_000,
  history: [
    { at: "2025-06-15T15:06:40.000Z", from: null, to: "IN_PROGRESS" as const },
    {
      at: "2025-06-15T15:06:45.000Z",
      from: "IN_PROGRESS" as const,
      to: "WAITING_FOR_USER" as const,
      atlasStatus: "PENDING_ACCEPTANCE",
      note: "a person must accept",
    },
  ],
} satisfies Partial<ChangeRecord>;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbChangeStore: records", () => {
  let store: DynamoDbChangeStore;
  let tableName: string;
  beforeAll(async () => {
    tableName = await freshTable();
    store = new DynamoDbChangeStore({ client: dynamo.doc, tableName });
  });

  it("round-trips a record with every optional field", async () => {
    const full = change("full", FULL_OPTIONALS);
    await record(store, full);
    expect(await store.get("full")).toStrictEqual(full);
  });

  it("keeps absent optional fields absent (not undefined)", async () => {
    const minimal = change("minimal");
    await record(store, minimal);
    const read = await store.get("minimal");
    expect(read).toStrictEqual(minimal);
    for (const field of ["reason", "callbackUrl", "idempotencyKey", "nextCheckAt", "expiresAt"]) {
      expect(Object.hasOwn(read ?? {}, field)).toBe(false);
    }
  });

  it("answers undefined for an unknown id", async () => {
    expect(await store.get("nope")).toBeUndefined();
  });

  it("refuses to create the same id twice and keeps the first", async () => {
    await record(store, change("twice"));
    await expect(
      store.createChange(change("twice", { reason: "second" }), { nowSeconds: 0 }),
    ).rejects.toBeInstanceOf(ChangeAlreadyExistsError);
    expect((await store.get("twice"))?.reason).toBeUndefined();
  });

  it("stores the TTL attribute and index keys on the item", async () => {
    const raw = async (id: string) =>
      (await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: changeKey(id) }))).Item;
    const full = await raw("full");
    expect(TTL_ATTRIBUTE).toBe("expiresAt");
    expect(full?.[TTL_ATTRIBUTE]).toBe(1_760_000_000);
    expect(full).toMatchObject({ gsi1pk: `PROJECT#${GROUP}`, gsi1sk: `00${T0}#full`, duePk: "DUE" });
    expect(full?.dueAt).toBe(T0 + 5_000);
    const minimal = await raw("minimal");
    expect(minimal).not.toHaveProperty(TTL_ATTRIBUTE);
    expect(minimal).not.toHaveProperty("duePk");
    expect(minimal).not.toHaveProperty("dueAt");
  });
});

describe("DynamoDbChangeStore: conditional update", () => {
  let store: DynamoDbChangeStore;
  beforeAll(async () => {
    store = await freshStore();
  });

  it("applies the expected version and refuses a stale one without changing anything", async () => {
    await record(store, change("u1"));
    const v2 = change("u1", { version: 2, state: "WAITING_FOR_USER", waitingChecks: 1 });
    expect(await store.update(v2, 1)).toBe(true);
    expect(await store.update(change("u1", { version: 2, state: "FAILED" }), 1)).toBe(false);
    expect(await store.get("u1")).toStrictEqual(v2);
  });

  it("refuses an out-of-order writer that is several versions behind", async () => {
    await record(store, change("u2"));
    expect(await store.update(change("u2", { version: 2 }), 1)).toBe(true);
    expect(await store.update(change("u2", { version: 3 }), 2)).toBe(true);
    expect(await store.update(change("u2", { version: 2, state: "FAILED" }), 1)).toBe(false);
    expect(await store.get("u2")).toMatchObject({ version: 3, state: "IN_PROGRESS" });
  });

  it("answers false for a change that does not exist", async () => {
    expect(await store.update(change("ghost", { version: 2 }), 1)).toBe(false);
    expect(await store.get("ghost")).toBeUndefined();
  });

  it("throws when next.version is not expectedVersion + 1", async () => {
    await record(store, change("u3"));
    await expect(store.update(change("u3", { version: 3 }), 1)).rejects.toBeInstanceOf(RangeError);
  });

  it("lets exactly one of 20 concurrent writers with the same expected version win", async () => {
    await record(store, change("race"));
    const writers = Array.from({ length: 20 }, (_, i) =>
      change("race", { version: 2, attempt: i + 1, updatedAt: T0 + i }),
    );
    const results = await Promise.all(writers.map((next) => store.update(next, 1)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = writers[results.indexOf(true)];
    expect(await store.get("race")).toStrictEqual(winner);
  });
});

describe("DynamoDbChangeStore: a change recorded with its lock and key, all or nothing", () => {
  let store: DynamoDbChangeStore;
  let tableName: string;
  beforeAll(async () => {
    tableName = await freshTable();
    store = new DynamoDbChangeStore({ client: dynamo.doc, tableName });
  });
  const raw = async (key: Record<string, string>) =>
    (await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
  const entry = { callerId: "ci", key: "k1", bodyHash: "aa", changeId: "k-a", expiresAt: 1_000_086_400 };

  it("records exactly one of 20 concurrent changes of a peering; the others store nothing", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `lock-${i}`);
    const changes = ids.map((id, i) => change(id, { peerId: "p-race", createdAt: T0 + i }));
    const results = await Promise.all(changes.map((c) => store.createChange(c, { nowSeconds: 0 })));
    const winners = ids.filter((_, i) => results[i]?.created);
    expect(winners).toHaveLength(1);
    const winner = changes[ids.indexOf(winners[0] ?? "")];
    for (const result of results) {
      if (!result.created)
        expect(result.lockedBy).toStrictEqual({ changeId: winner?.id, since: winner?.createdAt });
    }
    for (const id of ids) expect((await raw(changeKey(id))) !== undefined).toBe(id === winner?.id);
    expect(await raw(lockKey(GROUP, "p-race"))).toMatchObject({ changeId: winner?.id });
  });

  it("takes a lock over only from the change it names, and a free lock either way", async () => {
    await record(store, change("old", { peerId: "p3" }));
    const refused = await store.createChange(change("new", { peerId: "p3" }), {
      nowSeconds: 0,
      replacingLockOf: "someone-else",
    });
    expect(refused).toStrictEqual({ created: false, lockedBy: { changeId: "old", since: T0 } });
    expect(await store.get("new")).toBeUndefined();
    const taken = await store.createChange(change("new", { peerId: "p3", createdAt: T0 + 2 }), {
      nowSeconds: 0,
      replacingLockOf: "old",
    });
    expect(taken).toStrictEqual({ created: true });
    expect(await raw(lockKey(GROUP, "p3"))).toMatchObject({ changeId: "new", since: T0 + 2 });
    const free = await store.createChange(change("free", { peerId: "free-peer" }), {
      nowSeconds: 0,
      replacingLockOf: "old",
    });
    expect(free).toStrictEqual({ created: true });
  });

  it("releases only for the holder and tolerates releasing a free lock", async () => {
    await record(store, change("holder", { peerId: "p4" }));
    await store.releasePeerLock(GROUP, "p4", "not-holder");
    expect((await store.createChange(change("next", { peerId: "p4" }), { nowSeconds: 0 })).created).toBe(
      false,
    );
    await store.releasePeerLock(GROUP, "p4", "holder");
    await store.releasePeerLock(GROUP, "p4", "holder");
    expect((await store.createChange(change("next", { peerId: "p4" }), { nowSeconds: 0 })).created).toBe(
      true,
    );
  });

  it("remembers a key with its change; a second use stores nothing and answers the first entry", async () => {
    const first = await store.createChange(change("k-a", { peerId: "pk1" }), {
      nowSeconds: 1_000_000_000,
      idempotency: entry,
    });
    expect(first).toStrictEqual({ created: true });
    const again = await store.createChange(change("k-b", { peerId: "pk2" }), {
      nowSeconds: 1_000_086_400,
      idempotency: { ...entry, bodyHash: "bb", changeId: "k-b" },
    });
    expect(again).toStrictEqual({ created: false, keyUsedBy: entry });
    expect(await store.get("k-b")).toBeUndefined();
    expect(await raw(lockKey(GROUP, "pk2"))).toBeUndefined();
    expect(await store.findIdempotencyKey("ci", "k1", 1_000_000_000)).toStrictEqual(entry);
    expect(await store.findIdempotencyKey("bot", "k1", 1_000_000_000)).toBeUndefined();
  });

  it("replaces a key that expired but is not deleted yet, and sets the TTL attribute", async () => {
    const later = { ...entry, bodyHash: "cc", changeId: "k-c", expiresAt: 1_000_172_801 };
    expect(await store.findIdempotencyKey("ci", "k1", 1_000_086_401)).toBeUndefined();
    const outcome = await store.createChange(change("k-c", { peerId: "pk3" }), {
      nowSeconds: 1_000_086_401,
      idempotency: later,
    });
    expect(outcome).toStrictEqual({ created: true });
    expect((await raw(idempotencyKey("ci", "k1")))?.[TTL_ATTRIBUTE]).toBe(1_000_172_801);
  });

  it("gives one of 20 concurrent first uses of a key the key; the others get that entry, nothing stored", async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ ...entry, key: "k-race", changeId: `kr-${i}` }));
    const results = await Promise.all(
      entries.map((e, i) =>
        store.createChange(change(e.changeId, { peerId: `pr-${i}` }), {
          nowSeconds: 1_000_000_000,
          idempotency: e,
        }),
      ),
    );
    const stored = entries.filter((_, i) => results[i]?.created);
    expect(stored).toHaveLength(1);
    for (const result of results) if (!result.created) expect(result.keyUsedBy).toStrictEqual(stored[0]);
    for (const e of entries) expect((await store.get(e.changeId)) !== undefined).toBe(e === stored[0]);
  });
});

describe("DynamoDbChangeStore: an update with its notification", () => {
  let store: DynamoDbChangeStore;
  let tableName: string;
  beforeAll(async () => {
    tableName = await freshTable();
    store = new DynamoDbChangeStore({ client: dynamo.doc, tableName });
  });

  it("writes the change and the notification together, and neither on a stale version", async () => {
    const outbox = new DynamoDbNotificationOutbox({ client: dynamo.doc, tableName });
    await record(store, change("n1"));
    const v2 = change("n1", { version: 2, state: "SUCCEEDED" });
    const announced = notificationFor(v2, change("n1"), T0);
    expect(announced).toBeDefined();
    if (!announced) return;
    expect(await store.update(v2, 1, announced)).toBe(true);
    expect(await outbox.get("n1", 2)).toStrictEqual(announced);
    expect(await outbox.due(T0 + 60_000, 10)).toStrictEqual([announced]);
    const stale = change("n1", { version: 2, state: "FAILED" });
    const second = { ...announced, view: { ...announced.view, state: "FAILED" as const } };
    expect(await store.update(stale, 1, second)).toBe(false);
    expect(await outbox.get("n1", 2)).toStrictEqual(announced);
    expect(await store.get("n1")).toStrictEqual(v2);
  });
});

describe("DynamoDbChangeStore: list", () => {
  let store: DynamoDbChangeStore;
  let tableName: string;
  let all: ChangeRecord[];
  const peers = ["peer-a", "peer-b", "peer-c"];
  const states = ["IN_PROGRESS", "SUCCEEDED", "WAITING_FOR_USER", "FAILED"] as const;

  beforeAll(async () => {
    tableName = await freshTable();
    store = new DynamoDbChangeStore({ client: dynamo.doc, tableName });
    // 25 changes; #10 and #11 share a createdAt so ties must be ordered by id too.
    all = Array.from({ length: 25 }, (_, i) =>
      change(`ch-${String(i).padStart(2, "0")}`, {
        createdAt: T0 + (i === 11 ? 10 : i) * 1000,
        peerId: peers[i % 3] ?? "",
        state: states[i % 4] ?? "IN_PROGRESS",
      }),
    );
    await Promise.all(all.map((c) => record(store, c)));
    await record(store, change("elsewhere", { groupId: OTHER_GROUP, createdAt: T0 + 99_000 }));
  });

  const newestFirst = (changes: ChangeRecord[]) =>
    [...changes].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((c) => c.id);

  async function allPages(target: ChangeStore, query: Omit<ChangeQuery, "cursor">) {
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const answer = await target.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
      ids.push(...answer.items.map((c) => c.id));
      sizes.push(answer.items.length);
      cursor = answer.cursor;
      if (cursor === undefined) break;
    }
    return { ids, sizes };
  }

  it("pages 25 changes newest first, 10 at a time, with no gap or duplicate", async () => {
    const { ids, sizes } = await allPages(store, { groupId: GROUP, limit: 10 });
    expect(sizes).toEqual([10, 10, 5]);
    expect(ids).toEqual(newestFirst(all));
    expect(new Set(ids).size).toBe(25);
  });

  it("gives no cursor when the last page is exactly full", async () => {
    const { sizes } = await allPages(store, { groupId: GROUP, limit: 5 });
    expect(sizes).toEqual([5, 5, 5, 5, 5]);
  });

  it("filters by peer and by state, pages stay full and continue exactly", async () => {
    const byPeer = await allPages(store, { groupId: GROUP, peerId: "peer-b", limit: 3 });
    expect(byPeer.ids).toEqual(newestFirst(all.filter((c) => c.peerId === "peer-b")));
    expect(byPeer.sizes).toEqual([3, 3, 2]);
    const both = await allPages(store, { groupId: GROUP, peerId: "peer-a", state: "IN_PROGRESS", limit: 2 });
    expect(both.ids).toEqual(
      newestFirst(all.filter((c) => c.peerId === "peer-a" && c.state === "IN_PROGRESS")),
    );
  });

  it("keeps reading short filtered pages, bounded, without losing its place", async () => {
    const small = new DynamoDbChangeStore({ client: dynamo.doc, tableName, filteredPageSize: 2 });
    const query = { groupId: GROUP, state: "SUCCEEDED" as const, limit: 4 };
    const expected = newestFirst(all.filter((c) => c.state === "SUCCEEDED"));
    const paged = await allPages(small, query);
    expect(paged.ids).toEqual(expected);
    expect(paged.sizes[0]).toBe(4);
    // One item per round trip: 10 round trips see 10 changes, so the first page is short but has a cursor.
    const tiny = new DynamoDbChangeStore({ client: dynamo.doc, tableName, filteredPageSize: 1 });
    const first = await tiny.list({ ...query, limit: 5 });
    expect(first.items.length).toBeLessThan(5);
    expect(first.cursor).toBeDefined();
    expect((await allPages(tiny, { ...query, limit: 5 })).ids).toEqual(expected);
  });

  it("refuses a cursor it did not make", async () => {
    for (const cursor of ["garbage", Buffer.from('{"after":"1#x"}').toString("base64url")]) {
      await expect(store.list({ groupId: GROUP, limit: 10, cursor })).rejects.toBeInstanceOf(
        InvalidChangeCursorError,
      );
    }
  });
});

describe("DynamoDbChangeStore: due", () => {
  let store: DynamoDbChangeStore;
  beforeAll(async () => {
    store = await freshStore();
    await Promise.all([
      record(store, change("late-2", { nextCheckAt: T0 + 200 })),
      record(store, change("late-1", { nextCheckAt: T0 + 100 })),
      record(store, change("late-3", { nextCheckAt: T0 + 300, state: "WAITING_FOR_USER" })),
      record(store, change("future", { nextCheckAt: T0 + 10_000 })),
      record(store, change("no-check")),
      record(store, change("done", { nextCheckAt: T0 + 50, state: "SUCCEEDED" })),
    ]);
  });

  it("answers overdue non-terminal changes, oldest nextCheckAt first, up to limit", async () => {
    expect((await store.due(T0 + 300, 10)).map((c) => c.id)).toEqual(["late-1", "late-2", "late-3"]);
    expect((await store.due(T0 + 300, 2)).map((c) => c.id)).toEqual(["late-1", "late-2"]);
    expect((await store.due(T0 + 150, 10)).map((c) => c.id)).toEqual(["late-1"]);
  });

  it("drops a change from the index once it is terminal", async () => {
    const current = await store.get("late-1");
    if (!current) throw new Error("late-1 missing");
    const { nextCheckAt: _, ...rest } = current;
    expect(await store.update({ ...rest, version: 2, state: "SUCCEEDED", expiresAt: 1_760_000_000 }, 1)).toBe(
      true,
    );
    expect((await store.due(T0 + 20_000, 10)).map((c) => c.id)).toEqual(["late-2", "late-3", "future"]);
  });
});

describe("DynamoDbChangeStore: failures and table", () => {
  it("wraps AWS errors in ChangeStoreError naming the operation, not the data", async () => {
    const missing = new DynamoDbChangeStore({ client: dynamo.doc, tableName: "no-such-table" });
    const error = await missing.get("secret-id").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangeStoreError);
    expect((error as Error).message).toMatch(/GetItem .*ResourceNotFoundException/);
    expect((error as Error).message).not.toContain("secret-id");
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("ensureChangeTable is idempotent and creates both indexes", async () => {
    await ensureChangeTable(dynamo.client, "changes-idempotent");
    await ensureChangeTable(dynamo.client, "changes-idempotent");
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: "changes-idempotent" }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      "byProject",
      "due",
    ]);
  });
});
