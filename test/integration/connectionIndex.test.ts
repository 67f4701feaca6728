import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbChangeStore } from "../../src/adapters/aws/dynamodb/DynamoDbChangeStore.js";
import { DynamoDbNotificationOutbox } from "../../src/adapters/aws/dynamodb/DynamoDbNotificationOutbox.js";
import { connectionKey } from "../../src/adapters/aws/dynamodb/table.js";
import type { ChangeRecord } from "../../src/domain/change/ChangeRecord.js";
import { RETENTION_SECONDS } from "../../src/domain/change/lifecycle.js";
import { notificationFor } from "../../src/domain/change/notification.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

/**
 * The connection index of the DynamoDB change store, against dynalite: `update` with `indexConnection` points
 * the change's `pcx-…` at it in the same conditional write (alone, or with the outbox's notification), and
 * `changeForConnection` reads it back with one GetItem.
 */

const T0 = 1_750_000_000_000;
const PCX = "pcx-0a1b2c3d4e5f60718";
let dynamo: LocalDynamo;
let store: DynamoDbChangeStore;
const TABLE = "changes-connections";

function change(id: string, overrides: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id,
    version: 1,
    callerId: "ci-pipeline",
    channel: "http",
    operation: "update",
    groupId: "5f1e2d3c4b5a69788796a5b4",
    peerId: `peer-${id}`,
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

async function recorded(id: string): Promise<ChangeRecord> {
  const created = change(id);
  expect(await store.createChange(created, { nowSeconds: 0 })).toEqual({ created: true });
  return created;
}

const waitingOn = (previous: ChangeRecord, connectionId: string): ChangeRecord => ({
  ...previous,
  version: previous.version + 1,
  state: "WAITING_FOR_USER",
  atlas: { status: "PENDING_ACCEPTANCE", connectionId },
  updatedAt: previous.updatedAt + 1_000,
});

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureChangeTable(dynamo.client, TABLE);
  store = new DynamoDbChangeStore({ client: dynamo.doc, tableName: TABLE });
});
afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbChangeStore's connection index", () => {
  it("points the pcx at the change in the same write, with a TTL as long as the change can live", async () => {
    const first = await recorded("c1");
    expect(await store.changeForConnection(PCX)).toBeUndefined();
    const next = waitingOn(first, PCX);
    expect(await store.update(next, 1, undefined, { indexConnection: true })).toBe(true);
    expect(await store.changeForConnection(PCX)).toBe("c1");
    const item = await dynamo.doc.send(new GetCommand({ TableName: TABLE, Key: connectionKey(PCX) }));
    expect(item.Item).toMatchObject({
      changeId: "c1",
      connectionId: PCX,
      expiresAt: Math.ceil(first.deadline / 1000) + RETENTION_SECONDS,
    });
  });

  it("writes it with the outbox's notification too, all or nothing", async () => {
    const first = await recorded("c2");
    const next = waitingOn(first, "pcx-0bbbbbbbbbbbbbbb0");
    const notification = notificationFor(next, first, T0);
    expect(notification).toBeDefined();
    expect(await store.update(next, 1, notification, { indexConnection: true })).toBe(true);
    expect(await store.changeForConnection("pcx-0bbbbbbbbbbbbbbb0")).toBe("c2");
    expect(
      await new DynamoDbNotificationOutbox({ client: dynamo.doc, tableName: TABLE }).get("c2", 2),
    ).toBeDefined();
    // A stale writer's update loses its condition: the pcx it saw is not indexed either.
    const stale = waitingOn(first, "pcx-0ccccccccccccccc0");
    expect(await store.update(stale, 1, undefined, { indexConnection: true })).toBe(false);
    expect(await store.changeForConnection("pcx-0ccccccccccccccc0")).toBeUndefined();
  });

  it("is left alone without indexConnection, and overwritten by the change that observes the pcx last", async () => {
    const first = await recorded("c3");
    expect(await store.update(waitingOn(first, "pcx-0ddddddddddddddd0"), 1)).toBe(true);
    expect(await store.changeForConnection("pcx-0ddddddddddddddd0")).toBeUndefined();
    const other = await recorded("c4");
    expect(await store.update(waitingOn(other, PCX), 1, undefined, { indexConnection: true })).toBe(true);
    expect(await store.changeForConnection(PCX)).toBe("c4");
  });
});
