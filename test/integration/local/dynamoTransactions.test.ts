import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { codes, failure, txCalls, txFixture } from "./dynamoTx.js";

const fx = txFixture();
const { transact, put, get, scan } = txCalls(fx);

describe("TransactWriteItems on the local DynamoDB (dynalite behind its front), through the real SDK", () => {
  it("writes every item of a transaction whose conditions hold, across tables", async () => {
    await put({ pk: "kept", n: 1 });
    await put({ pk: "gone", n: 1 });
    await put({ pk: "lock", owner: "me" });
    await transact([
      {
        Put: {
          TableName: fx.table,
          Item: { pk: "new", n: 1 },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Update: {
          TableName: fx.table,
          Key: { pk: "kept" },
          UpdateExpression: "SET n = n + :one",
          ConditionExpression: "n = :was",
          ExpressionAttributeValues: { ":one": 1, ":was": 1 },
        },
      },
      { Delete: { TableName: fx.table, Key: { pk: "gone" }, ConditionExpression: "attribute_exists(pk)" } },
      {
        ConditionCheck: {
          TableName: fx.table,
          Key: { pk: "lock" },
          ConditionExpression: "#o = :me",
          ExpressionAttributeNames: { "#o": "owner" },
          ExpressionAttributeValues: { ":me": "me" },
        },
      },
      { Put: { TableName: fx.sorted, Item: { pk: "a", sk: "b", v: "x" } } },
    ]);
    expect([await get("new"), await get("kept"), await get("gone"), await get("lock")]).toEqual([
      { pk: "new", n: 1 },
      { pk: "kept", n: 2 },
      undefined,
      { pk: "lock", owner: "me" },
    ]);
    const other = await fx.dynamo.doc.send(
      new GetCommand({ TableName: fx.sorted, Key: { pk: "a", sk: "b" } }),
    );
    expect(other.Item).toEqual({ pk: "a", sk: "b", v: "x" });
  });

  it("writes nothing when a condition fails, naming each failing entry in order, with ALL_OLD's item", async () => {
    await put({ pk: "kept", n: 1 });
    await put({ pk: "gone", n: 1 });
    await put({ pk: "taken", by: "someone" });
    const error = await failure(
      transact([
        { Put: { TableName: fx.table, Item: { pk: "new", n: 1 } } },
        {
          Update: {
            TableName: fx.table,
            Key: { pk: "kept" },
            UpdateExpression: "SET n = :two",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":two": 2 },
          },
        },
        { Delete: { TableName: fx.table, Key: { pk: "gone" } } },
        {
          Put: {
            TableName: fx.table,
            Item: { pk: "taken", by: "me" },
            ConditionExpression: "attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        {
          ConditionCheck: {
            TableName: fx.table,
            Key: { pk: "absent" },
            ConditionExpression: "attribute_exists(pk)",
          },
        },
      ]),
    );
    expect(error.name).toBe("TransactionCanceledException");
    expect(error.message).toBe(
      "Transaction cancelled, please refer cancellation reasons for specific reasons " +
        "[None, None, None, ConditionalCheckFailed, ConditionalCheckFailed]",
    );
    expect(error.CancellationReasons).toEqual([
      { Code: "None" },
      { Code: "None" },
      { Code: "None" },
      {
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        // Errors are not unmarshalled by the document client: the item comes as AttributeValues.
        Item: { pk: { S: "taken" }, by: { S: "someone" } },
      },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
    ]);
    expect([await get("new"), await get("kept"), await get("gone"), await get("taken")]).toEqual([
      undefined,
      { pk: "kept", n: 1 },
      { pk: "gone", n: 1 },
      { pk: "taken", by: "someone" },
    ]);
  });

  it("undoes the Put, Update and Delete already written when a later write fails on the item", async () => {
    await put({ pk: "kept", n: 1 });
    await put({ pk: "gone", n: 1 });
    await put({ pk: "text", n: "not a number" });
    const error = await failure(
      transact([
        { Put: { TableName: fx.table, Item: { pk: "new", n: 1 } } },
        { Update: { TableName: fx.table, Key: { pk: "kept" }, UpdateExpression: "REMOVE n" } },
        { Delete: { TableName: fx.table, Key: { pk: "gone" } } },
        {
          Update: {
            TableName: fx.table,
            Key: { pk: "text" },
            UpdateExpression: "SET n = n + :one",
            ExpressionAttributeValues: { ":one": 1 },
          },
        },
      ]),
    );
    expect([error.name, codes(error)]).toEqual([
      "TransactionCanceledException",
      ["None", "None", "None", "ValidationError"],
    ]);
    expect((await scan()).sort((a, b) => (a.pk < b.pk ? -1 : 1))).toEqual([
      { pk: "gone", n: 1 },
      { pk: "kept", n: 1 },
      { pk: "text", n: "not a number" },
    ]);
  });

  it("refuses two entries on one item, more than 100 entries and an unknown table, writing nothing", async () => {
    const twice = await failure(
      transact([
        { Put: { TableName: fx.sorted, Item: { pk: "a", sk: "b", v: 1 } } },
        { Delete: { TableName: fx.sorted, Key: { sk: "b", pk: "a" } } },
      ]),
    );
    expect([twice.name, twice.message]).toEqual([
      "ValidationException",
      "Transaction request cannot include multiple operations on one item",
    ]);
    const many = Array.from({ length: 101 }, (_, i) => ({
      Put: { TableName: fx.table, Item: { pk: `p${i}` } },
    }));
    const tooMany = await failure(transact(many));
    expect([tooMany.name, tooMany.message]).toEqual([
      "ValidationException",
      "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: " +
        "Member must have length less than or equal to 100",
    ]);
    const unknown = await failure(
      transact([
        { Put: { TableName: fx.table, Item: { pk: "x" } } },
        { Put: { TableName: "no-such-table", Item: { pk: "x" } } },
      ]),
    );
    // DynamoDB names a missing table this way in transactions too.
    expect(unknown.name).toBe("ResourceNotFoundException");
    expect(await scan(fx.table)).toEqual([]);
    expect(await scan(fx.sorted)).toEqual([]);
  });

  it("accepts 100 entries, the AWS maximum", async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({
      Put: { TableName: fx.table, Item: { pk: `p${i}` } },
    }));
    await transact(items);
    expect((await scan()).length).toBe(100);
  });
});
