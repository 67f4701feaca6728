import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type LocalDynamo, startLocalDynamo } from "../../../local/dynalite.js";

export type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

/** What the transaction tests share: a local DynamoDB per file, fresh tables per test. */
export interface TxFixture {
  dynamo: LocalDynamo;
  /** Keyed by `pk` alone. */
  table: string;
  /** Keyed by `pk` and `sk`. */
  sorted: string;
}

/** Starts the local DynamoDB in `beforeAll` (closed in `afterAll`) and makes two new tables before each test. */
export function txFixture(): TxFixture {
  const fixture = { table: "", sorted: "" } as TxFixture;
  let tables = 0;
  beforeAll(async () => {
    fixture.dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await fixture.dynamo?.close();
  });
  beforeEach(async () => {
    tables += 1;
    fixture.table = await createTable(fixture.dynamo.client, `tx-${tables}`);
    fixture.sorted = await createTable(fixture.dynamo.client, `tx-sorted-${tables}`, true);
  });
  return fixture;
}

/** Creates an on-demand table with string keys `pk` (and `sk` when `withSort`). */
export async function createTable(client: DynamoDBClient, name: string, withSort = false): Promise<string> {
  const keys = withSort ? ["pk", "sk"] : ["pk"];
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: keys.map((key) => ({ AttributeName: key, AttributeType: "S" })),
      KeySchema: keys.map((key, i) => ({ AttributeName: key, KeyType: i === 0 ? "HASH" : "RANGE" })),
    }),
  );
  return name;
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

/** The Codes of a TransactionCanceledException's CancellationReasons, in order. */
export const codes = (error: Record<string, unknown>) =>
  (error.CancellationReasons as { Code: string }[] | undefined)?.map((reason) => reason.Code);

/** Document-client calls on the fixture's `table`. */
export function txCalls(fixture: TxFixture) {
  const doc = () => fixture.dynamo.doc;
  return {
    transact: (items: TransactItems) => doc().send(new TransactWriteCommand({ TransactItems: items })),
    put: (item: Record<string, unknown>) =>
      doc().send(new PutCommand({ TableName: fixture.table, Item: item })),
    get: async (pk: string) =>
      (await doc().send(new GetCommand({ TableName: fixture.table, Key: { pk } }))).Item,
    scan: async (TableName = fixture.table) => (await doc().send(new ScanCommand({ TableName }))).Items ?? [],
  };
}
