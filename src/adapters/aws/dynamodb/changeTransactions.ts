/**
 * The TransactWriteItems inputs of the change store: a new change with its lock and key, and a change update
 * with the notification it calls for and its connection's index entry. Pure: the store sends them.
 */
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { ChangeRecord } from "../../../domain/change/ChangeRecord.js";
import type { Notification } from "../../../domain/change/notification.js";
import type { ChangeClaims } from "../../../ports/ChangeStore.js";
import {
  type ConnectionEntry,
  encodeChange,
  encodeConnection,
  encodeIdempotency,
  encodeLock,
} from "./codec.js";
import { encodeSettled, settledPeeringOf } from "./driftCodec.js";
import { encodeNotification } from "./notificationCodec.js";
import { PK } from "./table.js";

type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

/** The positions of the items of {@link createChangeItems} (the key is absent without an Idempotency-Key). */
export const CREATE_ITEM = { change: 0, lock: 1, key: 2 } as const;

/**
 * The change (its id not taken), the peering's lock (free, or still held by the change it replaces) and the
 * Idempotency-Key (absent or expired): written together or not at all.
 */
export function createChangeItems(
  tableName: string,
  change: ChangeRecord,
  claims: ChangeClaims,
): TransactItems {
  const holder = { changeId: change.id, since: change.createdAt };
  const lock = claims.replacingLockOf
    ? {
        ConditionExpression: "attribute_not_exists(#pk) OR #changeId = :from",
        ExpressionAttributeNames: { "#pk": PK, "#changeId": "changeId" },
        ExpressionAttributeValues: { ":from": claims.replacingLockOf },
      }
    : { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": PK } };
  const items: TransactItems = [
    {
      Put: {
        TableName: tableName,
        Item: encodeChange(change),
        ConditionExpression: "attribute_not_exists(#pk)",
        ExpressionAttributeNames: { "#pk": PK },
      },
    },
    { Put: { TableName: tableName, Item: encodeLock(change.groupId, change.peerId, holder), ...lock } },
  ];
  if (claims.idempotency) {
    items.push({
      Put: {
        TableName: tableName,
        Item: encodeIdempotency(claims.idempotency),
        // An expired entry counts as absent even before DynamoDB's TTL sweep deletes it (that can take days).
        ConditionExpression: "attribute_not_exists(#pk) OR #expiresAt < :now",
        ExpressionAttributeNames: { "#pk": PK, "#expiresAt": "expiresAt" },
        ExpressionAttributeValues: { ":now": claims.nowSeconds },
      },
    });
  }
  return items;
}

/**
 * The change replaced if still at `expectedVersion`, with what goes with it: its notification added to the
 * outbox (a new item: a second one for the same version is a bug), and the index entry of its AWS peering
 * connection (overwritten: the change that observed the connection last is the one a CloudTrail event about
 * it concerns). Positions: the change first, then the notification when there is one.
 */
export function updateChangeItems(
  tableName: string,
  next: ChangeRecord,
  expectedVersion: number,
  extras: {
    notification?: Notification | undefined;
    connection?: ConnectionEntry | undefined;
    settled?: boolean | undefined;
  },
): TransactItems {
  const items: TransactItems = [
    {
      Put: {
        TableName: tableName,
        Item: encodeChange(next),
        ConditionExpression: "#version = :expected",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":expected": expectedVersion },
      },
    },
  ];
  if (extras.notification) {
    items.push({
      Put: {
        TableName: tableName,
        Item: encodeNotification(extras.notification),
        ConditionExpression: "attribute_not_exists(#pk)",
        ExpressionAttributeNames: { "#pk": PK },
      },
    });
  }
  if (extras.connection)
    items.push({ Put: { TableName: tableName, Item: encodeConnection(extras.connection) } });
  // Overwritten: the change that settled last is the baseline (one change per peering at a time, by the lock).
  if (extras.settled)
    items.push({ Put: { TableName: tableName, Item: encodeSettled(settledPeeringOf(next)) } });
  return items;
}
