/**
 * The gateway's one DynamoDB table (single-table design). Four kinds of items share it:
 *
 * - change `CHANGE#<id>` / `CHANGE`: every {@link ChangeRecord} field, plus the keys of two indexes:
 *   `byProject` (`PROJECT#<groupId>`, `<createdAt, 15 digits>#<id>`: a project's changes by age) and the
 *   sparse `due` (`DUE`, `nextCheckAt`: only non-terminal changes with a next check, for the sweeper);
 * - peering lock `LOCK#<groupId>#<peerId>` / `LOCK`: `changeId`, `since`;
 * - idempotency key `IDEM#<callerId>#<key>` / `IDEM`: `bodyHash`, `changeId`, `expiresAt`;
 * - notification `NOTIFY#<changeId>` / `NOTIFY#<version, 10 digits>`: the outbox (see notificationCodec.ts),
 *   in the `due` index under `NOTIFY` by `dueAt` until delivered;
 * - connection `PCX#<pcx-id>` / `PCX`: `changeId`, `expiresAt`: the change that last observed that AWS peering
 *   connection, so a CloudTrail event naming the `pcx-…` finds its change with one GetItem, never a scan.
 *
 * `expiresAt` (epoch seconds) is the TTL attribute of every kind that expires.
 */
import type { CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The table's partition and sort key attributes. */
export const PK = "pk";
export const SK = "sk";
/** Keys of the `byProject` index. */
export const PROJECT_PK = "gsi1pk";
export const PROJECT_SK = "gsi1sk";
/** Keys of the sparse `due` index; present only while a change waits for a check. */
export const DUE_PK = "duePk";
export const DUE_AT = "dueAt";
/** Epoch seconds after which DynamoDB may delete the item (enable TTL on it when deploying). */
export const TTL_ATTRIBUTE = "expiresAt";

export const BY_PROJECT_INDEX = "byProject";
export const DUE_INDEX = "due";
/** The one partition of the `due` index: the sweeper reads it in `nextCheckAt` order. */
export const DUE_PARTITION = "DUE";

/** Epoch ms has 13 digits until the year 2286; 15 leaves room and keeps string order = numeric order. */
const CREATED_AT_DIGITS = 15;

/** The primary key of an item. */
export type ItemKey = Record<typeof PK | typeof SK, string>;

/** The key of a change item. */
export function changeKey(id: string): ItemKey {
  return { [PK]: `CHANGE#${id}`, [SK]: "CHANGE" };
}

/** The key of a peering's lock item. */
export function lockKey(groupId: string, peerId: string): ItemKey {
  return { [PK]: `LOCK#${groupId}#${peerId}`, [SK]: "LOCK" };
}

/** The key of a notification in the outbox: one per announced (change, version). */
export function notificationKey(changeId: string, version: number): ItemKey {
  return { [PK]: `NOTIFY#${changeId}`, [SK]: `NOTIFY#${String(version).padStart(10, "0")}` };
}

/** The key of an AWS peering connection's index entry (see {@link ConnectionEntry} in codec.ts). */
export function connectionKey(connectionId: string): ItemKey {
  return { [PK]: `PCX#${connectionId}`, [SK]: "PCX" };
}

/** The `due` index partition of undelivered notifications (changes use {@link DUE_PARTITION}). */
export const NOTIFY_DUE_PARTITION = "NOTIFY";

/** The key of a remembered Idempotency-Key. */
export function idempotencyKey(callerId: string, key: string): ItemKey {
  return { [PK]: `IDEM#${callerId}#${key}`, [SK]: "IDEM" };
}

/** The `byProject` partition of a project. */
export function projectPartition(groupId: string): string {
  return `PROJECT#${groupId}`;
}

/** The `byProject` sort key: creation time first so the index orders by age, the id to break ties. */
export function projectSortKey(createdAt: number, id: string): string {
  return `${String(createdAt).padStart(CREATED_AT_DIGITS, "0")}#${id}`;
}

/** The change id inside a `byProject` sort key (everything after the first `#`). */
export function idFromProjectSortKey(sortKey: string): string {
  return sortKey.slice(sortKey.indexOf("#") + 1);
}

/** True when `value` has the shape {@link projectSortKey} produces. */
export function isProjectSortKey(value: string): boolean {
  return new RegExp(`^\\d{${CREATED_AT_DIGITS}}#.+$`, "s").test(value);
}

/**
 * The CreateTable input of the change table: on-demand billing and both indexes projecting every attribute,
 * so `list` and `due` answer from the index alone. TTL cannot be set by CreateTable; deployments enable it on
 * {@link TTL_ATTRIBUTE} (CloudFormation `TimeToLiveSpecification`).
 */
export function changeTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: PK, AttributeType: "S" },
      { AttributeName: SK, AttributeType: "S" },
      { AttributeName: PROJECT_PK, AttributeType: "S" },
      { AttributeName: PROJECT_SK, AttributeType: "S" },
      { AttributeName: DUE_PK, AttributeType: "S" },
      { AttributeName: DUE_AT, AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: PK, KeyType: "HASH" },
      { AttributeName: SK, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: BY_PROJECT_INDEX,
        KeySchema: [
          { AttributeName: PROJECT_PK, KeyType: "HASH" },
          { AttributeName: PROJECT_SK, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: DUE_INDEX,
        KeySchema: [
          { AttributeName: DUE_PK, KeyType: "HASH" },
          { AttributeName: DUE_AT, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}

/**
 * The document client `DynamoDbChangeStore` expects. `removeUndefinedValues` because an optional field set to
 * `undefined` somewhere in a nested object must be dropped, not fail the whole write.
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/*
 * Two more kinds of items share the table:
 *
 * - audit record `AUDIT#<groupId>` / `<at, 15 digits>#<id>`: every AuditRecord field and `expiresAt`; one
 *   partition per project, so a project's trail is one Query in time order (`AUDIT#-` holds records without
 *   a project, e.g. an unauthenticated request to a route without ids);
 * - seen signature `SIG#<sha256 hex of the signature>` / `SIG`: `expiresAt` only;
 * - the drift check's settled peering `SETTLED#<groupId>#<peerId>` (in the `due` index under `DRIFT`) and its
 *   run `DRIFT#RUN`: see driftCodec.ts.
 */

/** The audit partition of records without a project. */
const NO_PROJECT = "-";

/** The partition of a project's audit records (`groupId` absent: the records without a project). */
export function auditPartition(groupId: string | undefined): string {
  return `AUDIT#${groupId ?? NO_PROJECT}`;
}

/** The audit sort key: time first so a Query reads the trail in time order, the id to break ties. */
export function auditSortKey(at: number, id: string): string {
  return projectSortKey(at, id);
}

/** The sort key every audit record at or after `since` (epoch ms) sorts at or after. */
export function auditSinceKey(since: number): string {
  return String(since).padStart(CREATED_AT_DIGITS, "0");
}

/** True when `value` has the shape {@link auditSortKey} produces. */
export function isAuditSortKey(value: string): boolean {
  return isProjectSortKey(value);
}

/** The key of an audit record. */
export function auditKey(groupId: string | undefined, at: number, id: string): ItemKey {
  return { [PK]: auditPartition(groupId), [SK]: auditSortKey(at, id) };
}

/**
 * The key of a seen signature, given the SHA-256 hex of the signature, never the signature itself: the table
 * must not hold a value that, with a captured body, could be sent again (or that a dump of the item would leak).
 */
export function replayKey(signatureSha256Hex: string): ItemKey {
  return { [PK]: `SIG#${signatureSha256Hex}`, [SK]: "SIG" };
}
