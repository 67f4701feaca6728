import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbRateLimiter, rateKey } from "../../src/adapters/aws/dynamodb/DynamoDbRateLimiter.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

const TABLE = "rate-limiter-test";
const NOW = 1_750_000_000_000;

let dynamo: LocalDynamo;
let limiter: DynamoDbRateLimiter;

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureChangeTable(dynamo.client, TABLE);
  limiter = new DynamoDbRateLimiter({
    client: dynamo.doc,
    tableName: TABLE,
    defaultLimit: { perMinute: 30, burst: 10 },
  });
});

afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbRateLimiter", () => {
  it("lets exactly `burst` of 20 concurrent changes through, as separate containers would send them", async () => {
    // One limiter per "container": they share nothing but the table.
    const containers = Array.from(
      { length: 20 },
      () =>
        new DynamoDbRateLimiter({
          client: dynamo.doc,
          tableName: TABLE,
          defaultLimit: { perMinute: 30, burst: 10 },
        }),
    );
    const decisions = await Promise.all(containers.map((c) => c.take("runaway", undefined, NOW)));
    const allowed = decisions.filter((d) => d.allowed).length;
    // Each take is one conditional write DynamoDB applies atomically: exactly the bucket's burst gets through.
    expect(allowed).toBe(10);
    expect(await limiter.take("runaway", undefined, NOW)).toMatchObject({ allowed: false });
  });

  it("keeps the bucket as item RATE#<callerId> with a TTL, and refills it with time", async () => {
    for (let i = 0; i < 10; i++) expect((await limiter.take("steady", undefined, NOW)).allowed).toBe(true);
    expect(await limiter.take("steady", undefined, NOW)).toEqual({ allowed: false, retryAfterMs: 2_000 });
    expect((await limiter.take("steady", undefined, NOW + 2_000)).allowed).toBe(true);
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: TABLE, Key: rateKey("steady") }));
    expect(Item).toMatchObject({ pk: "RATE#steady", tat: expect.any(Number), expiresAt: expect.any(Number) });
  });

  it("uses a caller's own limit when given, and keeps callers apart", async () => {
    const own = { perMinute: 60, burst: 1 };
    expect((await limiter.take("tight", own, NOW)).allowed).toBe(true);
    expect(await limiter.take("tight", own, NOW)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect((await limiter.take("someone-else", own, NOW)).allowed).toBe(true);
  });
});
