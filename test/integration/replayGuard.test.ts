import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbReplayGuard } from "../../src/adapters/aws/dynamodb/DynamoDbReplayGuard.js";
import { ChangeStoreError } from "../../src/ports/ChangeStore.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

const TABLE = "replay-guard-test";
const NOW = 1_750_000_000;
const WINDOW = 300;

let dynamo: LocalDynamo;
let guard: DynamoDbReplayGuard;
let signatures = 0;

/** A signature of its own per test, looking like the base64 HMAC a caller sends. */
function freshSignature(): string {
  signatures += 1;
  return createHash("sha256").update(`request-${signatures}`).digest("base64");
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureChangeTable(dynamo.client, TABLE);
  guard = new DynamoDbReplayGuard({ client: dynamo.doc, tableName: TABLE });
});

afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbReplayGuard", () => {
  it("answers true the first time and false on a replay", async () => {
    const signature = freshSignature();
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW + 1)).toBe(false);
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW + WINDOW)).toBe(false);
  });

  it("lets exactly one of 20 concurrent requests with one signature through", async () => {
    const signature = freshSignature();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => guard.firstSeen(signature, NOW + WINDOW, NOW)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it("accepts a signature again once its entry has expired (before any TTL sweep)", async () => {
    const signature = freshSignature();
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(signature, NOW + 2 * WINDOW + 1, NOW + WINDOW + 1)).toBe(true);
    expect(await guard.firstSeen(signature, NOW + 2 * WINDOW + 1, NOW + WINDOW + 2)).toBe(false);
  });

  it("still refuses, within the same second, a signature whose expiry is already past", async () => {
    const signature = freshSignature();
    expect(await guard.firstSeen(signature, NOW - 10, NOW)).toBe(true);
    expect(await guard.firstSeen(signature, NOW - 10, NOW)).toBe(false);
  });

  it("keeps distinct signatures apart", async () => {
    expect(await guard.firstSeen(freshSignature(), NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(freshSignature(), NOW + WINDOW, NOW)).toBe(true);
  });

  it("stores only the signature's hash and its expiry, never the signature", async () => {
    const signature = freshSignature();
    await guard.firstSeen(signature, NOW + WINDOW, NOW);
    const hash = createHash("sha256").update(signature, "utf8").digest("hex");
    const scan = await dynamo.doc.send(new ScanCommand({ TableName: TABLE }));
    const items = scan.Items ?? [];
    const mine = items.find((item) => item.pk === `SIG#${hash}`);
    expect(mine).toEqual({ pk: `SIG#${hash}`, sk: "SIG", expiresAt: NOW + WINDOW });
    expect(JSON.stringify(items)).not.toContain(signature);
  });

  it("turns a DynamoDB failure other than the condition into a ChangeStoreError", async () => {
    const broken = new DynamoDbReplayGuard({ client: dynamo.doc, tableName: "no-such-table" });
    await expect(broken.firstSeen(freshSignature(), NOW + WINDOW, NOW)).rejects.toBeInstanceOf(
      ChangeStoreError,
    );
  });
});
