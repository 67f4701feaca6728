import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Notification } from "../../../domain/change/notification.js";
import type { PeerLockHolder } from "../../../ports/ChangeStore.js";
import type { DriftStore, SettledPeering } from "../../../ports/DriftStore.js";
import { decodeLock } from "./codec.js";
import { DRIFT_DUE_PARTITION, DRIFT_RUN_KEY, decodeSettled, encodeSettled } from "./driftCodec.js";
import { conditionalWrite, storeRead, transactWrite } from "./errors.js";
import { encodeNotification } from "./notificationCodec.js";
import { dueQuery } from "./queries.js";
import { lockKey, PK } from "./table.js";

/**
 * {@link DriftStore} on the change table (items in driftCodec.ts). Settled items are written by the change
 * store's update transaction; this reads them through the `due` index's `DRIFT` partition and moves them on,
 * each write conditional on the revision and change it read.
 */
export class DynamoDbDriftStore implements DriftStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async claimRun(now: number, everyMs: number): Promise<boolean> {
    const { client, tableName } = this.options;
    const input = {
      TableName: tableName,
      Item: { ...DRIFT_RUN_KEY, nextRunAt: now + everyMs },
      ConditionExpression: "attribute_not_exists(#pk) OR #next <= :now",
      ExpressionAttributeNames: { "#pk": PK, "#next": "nextRunAt" },
      ExpressionAttributeValues: { ":now": now },
    };
    return conditionalWrite("PutItem (drift run)", () => client.send(new PutCommand(input)));
  }

  async oldestChecked(before: number, limit: number): Promise<SettledPeering[]> {
    const input = dueQuery(this.options.tableName, before, limit, DRIFT_DUE_PARTITION);
    const page = await storeRead("Query (settled peerings)", () =>
      this.options.client.send(new QueryCommand(input)),
    );
    return (page.Items ?? []).map(decodeSettled);
  }

  async recordCheck(
    previous: SettledPeering,
    next: SettledPeering,
    notification?: Notification,
  ): Promise<boolean> {
    const { client, tableName } = this.options;
    const put = {
      TableName: tableName,
      Item: encodeSettled(next),
      // The change too: a newer change settling on the peering restarts the revisions.
      ConditionExpression: "#revision = :revision AND #changeId = :changeId",
      ExpressionAttributeNames: { "#revision": "revision", "#changeId": "changeId" },
      ExpressionAttributeValues: { ":revision": previous.revision, ":changeId": previous.changeId },
    };
    if (notification === undefined)
      return conditionalWrite("PutItem (drift check)", () => client.send(new PutCommand(put)));
    const outbox = {
      TableName: tableName,
      Item: encodeNotification(notification),
      ConditionExpression: "attribute_not_exists(#pk)",
      ExpressionAttributeNames: { "#pk": PK },
    };
    const failed = await transactWrite("TransactWriteItems (drift announcement)", () =>
      client.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Put: outbox }] })),
    );
    return failed === undefined;
  }

  async lockHolder(groupId: string, peerId: string): Promise<PeerLockHolder | undefined> {
    const input = { TableName: this.options.tableName, Key: lockKey(groupId, peerId), ConsistentRead: true };
    const answer = await storeRead("GetItem (lock)", () => this.options.client.send(new GetCommand(input)));
    return answer.Item ? decodeLock(answer.Item) : undefined;
  }
}
