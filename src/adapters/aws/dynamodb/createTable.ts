import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { changeTableDefinition } from "./table.js";

/**
 * Creates the change table (see {@link changeTableDefinition}) unless it exists, then waits until it is
 * ACTIVE. For the local stack and tests; deployed tables come from CloudFormation, which also enables TTL
 * (dynalite has no UpdateTimeToLive, so this does not try).
 */
export async function ensureChangeTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if ((await tableStatus(client, tableName)) === "ACTIVE") return;
  try {
    await client.send(new CreateTableCommand(changeTableDefinition(tableName)));
  } catch (error) {
    // Another process (a parallel test file, a second local stack) created it first: just wait for it.
    if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
  }
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
}

/** The table's status, or undefined when it does not exist. */
async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const answer = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return answer.Table?.TableStatus;
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}
