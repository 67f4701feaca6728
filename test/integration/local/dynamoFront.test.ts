import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactGetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { startDynamoDbEmulator } from "../../../local/aws/dynamodb.js";
import { startLocalDynamo } from "../../../local/dynalite.js";
import { codes, createTable, failure, txCalls, txFixture } from "./dynamoTx.js";

const fx = txFixture();
const { transact, put, get, scan } = txCalls(fx);

describe("TransactWriteItems on the local DynamoDB, racing other writers", () => {
  it("lets exactly one of 20 transactions racing for one attribute_not_exists key win", async () => {
    const attempts = Array.from({ length: 20 }, (_, i) =>
      transact([
        {
          Put: {
            TableName: fx.table,
            Item: { pk: "lock", owner: `t${i}` },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: { TableName: fx.table, Item: { pk: `record-${i}`, owner: `t${i}` } } },
      ]),
    );
    const results = await Promise.allSettled(attempts);
    const won = results.flatMap((result, i) => (result.status === "fulfilled" ? [i] : []));
    expect(won).toHaveLength(1);
    const lost = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(new Set(lost.map((error) => `${error.name} ${codes(error)}`))).toEqual(
      new Set(["TransactionCanceledException ConditionalCheckFailed,None"]),
    );
    const items = await scan();
    expect(items).toHaveLength(2);
    expect(await get("lock")).toEqual({ pk: "lock", owner: `t${won[0]}` });
  });

  it("lets no PutItem land between a transaction's write and its undoing", async () => {
    await put({ pk: "text", n: "not a number" });
    // Each transaction writes `a`, then fails on `text` and puts `a` back: a PutItem landing in between
    // would see the transaction's value as the old one, and then be undone with it.
    const failing = Array.from({ length: 20 }, (_, i) =>
      failure(
        transact([
          { Put: { TableName: fx.table, Item: { pk: "a", by: `tx-${i}` } } },
          {
            Update: {
              TableName: fx.table,
              Key: { pk: "text" },
              UpdateExpression: "SET n = n + :one",
              ExpressionAttributeValues: { ":one": 1 },
            },
          },
        ]),
      ),
    );
    const seen: unknown[] = [];
    for (let j = 0; j < 20; j += 1) {
      const item = { pk: { S: "a" }, by: { S: `plain-${j}` } };
      const old = await fx.dynamo.client.send(
        new PutItemCommand({ TableName: fx.table, Item: item, ReturnValues: "ALL_OLD" }),
      );
      seen.push(old.Attributes?.by?.S);
    }
    const errors = await Promise.all(failing);
    expect(new Set(errors.map((error) => error.name))).toEqual(new Set(["TransactionCanceledException"]));
    expect(seen).toEqual([undefined, ...Array.from({ length: 19 }, (_, j) => `plain-${j}`)]);
    expect(await get("a")).toEqual({ pk: "a", by: "plain-19" });
  });
});

describe("TransactGetItems on the local DynamoDB", () => {
  it("answers the items in request order, {} for one that is missing", async () => {
    await put({ pk: "one", n: 1 });
    await put({ pk: "two", n: 2 });
    const answer = await fx.dynamo.doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: fx.table, Key: { pk: "two" } } },
          { Get: { TableName: fx.table, Key: { pk: "missing" } } },
          { Get: { TableName: fx.table, Key: { pk: "one" }, ProjectionExpression: "n" } },
        ],
      }),
    );
    expect(answer.Responses).toEqual([{ Item: { pk: "two", n: 2 } }, {}, { Item: { n: 1 } }]);
  });
});

describe("the local DynamoDB's data and its recording proxy", () => {
  it("keeps what a transaction wrote in a LevelDB directory (path) across restarts", async () => {
    const path = await mkdtemp(join(tmpdir(), "dynamo-tx-"));
    try {
      const first = await startLocalDynamo({ path });
      await createTable(first.client, "kept");
      await first.doc.send(
        new TransactWriteCommand({ TransactItems: [{ Put: { TableName: "kept", Item: { pk: "x" } } }] }),
      );
      await first.close();
      const second = await startLocalDynamo({ path });
      const read = await second.doc.send(new GetCommand({ TableName: "kept", Key: { pk: "x" } }));
      await second.close();
      expect(read.Item).toEqual({ pk: "x" });
    } finally {
      await rm(path, { recursive: true, force: true });
    }
  });

  it("records a TransactWriteItems once per table it touches", async () => {
    const emulator = await startDynamoDbEmulator();
    const client = new DynamoDBClient({
      endpoint: emulator.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      await createTable(client, "left");
      await createTable(client, "right");
      const item = (TableName: string) => ({ Put: { TableName, Item: { pk: { S: "x" } } } });
      await client.send(new TransactWriteItemsCommand({ TransactItems: [item("left"), item("right")] }));
      const arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/";
      const recorded = emulator.calls.filter((call) => call.action === "TransactWriteItems");
      expect(recorded.map((call) => call.resource)).toEqual([`${arn}left`, `${arn}right`]);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});
