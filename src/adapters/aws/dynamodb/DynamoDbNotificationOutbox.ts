import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Notification } from "../../../domain/change/notification.js";
import type { NotificationOutbox } from "../../../ports/ChangeStore.js";
import { conditionalWrite, storeRead } from "./errors.js";
import { decodeNotification, encodeNotification } from "./notificationCodec.js";
import { dueQuery } from "./queries.js";
import { NOTIFY_DUE_PARTITION, notificationKey } from "./table.js";

/**
 * {@link NotificationOutbox} on the change table: notifications are written there by the change store's
 * update transaction; this reads them, moves them on (conditional on their revision) and finds the due ones
 * through the `due` index's `NOTIFY` partition.
 */
export class DynamoDbNotificationOutbox implements NotificationOutbox {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async get(changeId: string, version: number): Promise<Notification | undefined> {
    const input = {
      TableName: this.options.tableName,
      Key: notificationKey(changeId, version),
      ConsistentRead: true,
    };
    const answer = await storeRead("GetItem (notification)", () =>
      this.options.client.send(new GetCommand(input)),
    );
    return answer.Item ? decodeNotification(answer.Item) : undefined;
  }

  async replace(previous: Notification, next: Notification | undefined): Promise<boolean> {
    const condition = {
      TableName: this.options.tableName,
      ConditionExpression: "#revision = :revision",
      ExpressionAttributeNames: { "#revision": "revision" },
      ExpressionAttributeValues: { ":revision": previous.revision },
    };
    const { client } = this.options;
    if (next === undefined) {
      const key = notificationKey(previous.changeId, previous.version);
      return conditionalWrite("DeleteItem (notification)", () =>
        client.send(new DeleteCommand({ ...condition, Key: key })),
      );
    }
    return conditionalWrite("PutItem (notification)", () =>
      client.send(new PutCommand({ ...condition, Item: encodeNotification(next) })),
    );
  }

  async due(now: number, limit: number): Promise<Notification[]> {
    const input = dueQuery(this.options.tableName, now, limit, NOTIFY_DUE_PARTITION);
    const page = await storeRead("Query (due notifications)", () =>
      this.options.client.send(new QueryCommand(input)),
    );
    return (page.Items ?? []).map(decodeNotification);
  }
}
