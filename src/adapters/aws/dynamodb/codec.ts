/**
 * Change records, peering locks and idempotency entries to and from DynamoDB items (document-client form).
 * Pure: no network. Decoding checks each field's type so a malformed item fails loudly, naming the field.
 */

import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type {
  AtlasContainer,
  AtlasObservation,
  ChangeRecord,
  PeerSideSummary,
  Transition,
} from "../../../domain/change/ChangeRecord.js";
import { RETENTION_SECONDS } from "../../../domain/change/lifecycle.js";
import { operationOf } from "../../../domain/change/operations.js";
import type { ReplyAddress } from "../../../domain/channels.js";
import type { AtlasQuery } from "../../../domain/peering/request.js";
import { isTerminal } from "../../../domain/peering/status.js";
import type { IdempotencyEntry, PeerLockHolder } from "../../../ports/ChangeStore.js";
import { ChangeStoreError } from "../../../ports/ChangeStore.js";
import {
  changeKey,
  connectionKey,
  DUE_AT,
  DUE_PARTITION,
  DUE_PK,
  idempotencyKey,
  lockKey,
  PROJECT_PK,
  PROJECT_SK,
  projectPartition,
  projectSortKey,
} from "./table.js";

/** A DynamoDB item as the document client reads and writes it. */
export type Item = Record<string, NativeAttributeValue>;

/**
 * The item of a change: the record's own fields plus its index keys. The `due` keys are written only while
 * the change is not terminal and has a `nextCheckAt`, so a full replace drops it from the sweeper's index.
 */
export function encodeChange(record: ChangeRecord): Item {
  const due = !isTerminal(record.state) && record.nextCheckAt !== undefined;
  return {
    ...record,
    ...changeKey(record.id),
    [PROJECT_PK]: projectPartition(record.groupId),
    [PROJECT_SK]: projectSortKey(record.createdAt, record.id),
    ...(due ? { [DUE_PK]: DUE_PARTITION, [DUE_AT]: record.nextCheckAt } : {}),
  };
}

/** The record in a change item; index keys are dropped and absent optional fields stay absent. */
export function decodeChange(item: Item): ChangeRecord {
  const read = fieldReader(item, "change");
  return {
    id: read.string("id"),
    version: read.number("version"),
    callerId: read.string("callerId"),
    channel: read.string("channel") as ChangeRecord["channel"],
    groupId: read.string("groupId"),
    peerId: read.string("peerId"),
    provider: read.string("provider") as ChangeRecord["provider"],
    operation: operationOf({ operation: read.optionalString("operation") }),
    apiVersion: read.string("apiVersion") as ChangeRecord["apiVersion"],
    query: read.map("query") as AtlasQuery,
    desired: read.string("desired"),
    ...optional("reason", read.optionalString("reason")),
    ...optional("callbackUrl", read.optionalString("callbackUrl")),
    ...optional("idempotencyKey", read.optionalString("idempotencyKey")),
    ...optional("requestId", read.optionalString("requestId")),
    ...optional("replyTo", replyAddressOf(item)),
    state: read.string("state") as ChangeRecord["state"],
    // `atlas.peer` (the peer's settings as Atlas returned them) is a nested map and comes back with it.
    atlas: read.map("atlas") as AtlasObservation,
    ...optional("container", containerOf(read.optionalMap("container"))),
    attempt: read.number("attempt"),
    waitingChecks: read.number("waitingChecks"),
    ...optional("retryingChecks", read.optionalNumber("retryingChecks")),
    ...optional("nextCheckAt", read.optionalNumber("nextCheckAt")),
    ...optional("leaseUntil", read.optionalNumber("leaseUntil")),
    deadline: read.number("deadline"),
    // The acceptance window (expiry.ts) is a nested map of numbers, text and a list of hours.
    ...optional("acceptance", read.optionalMap("acceptance") as ChangeRecord["acceptance"]),
    // The gateway's last run on the peer's AWS side: a map of text and numbers (peerSide.ts).
    ...optional("peerSide", peerSideOf(read.optionalMap("peerSide"))),
    ...optional("accepterAccountId", read.optionalString("accepterAccountId")),
    history: read.list("history") as Transition[],
    createdAt: read.number("createdAt"),
    updatedAt: read.number("updatedAt"),
    ...optional("expiresAt", read.optionalNumber("expiresAt")),
  };
}

/** The item of a peering's lock held by `changeId` since `since` (epoch ms). */
export function encodeLock(groupId: string, peerId: string, holder: PeerLockHolder): Item {
  return { ...lockKey(groupId, peerId), groupId, peerId, changeId: holder.changeId, since: holder.since };
}

/** Who holds a lock item. */
export function decodeLock(item: Item): PeerLockHolder {
  const read = fieldReader(item, "lock");
  return { changeId: read.string("changeId"), since: read.number("since") };
}

/** The item of a remembered Idempotency-Key (`expiresAt` is also its TTL). */
export function encodeIdempotency(entry: IdempotencyEntry): Item {
  return { ...idempotencyKey(entry.callerId, entry.key), ...entry };
}

/** The entry in an idempotency item. */
export function decodeIdempotency(item: Item): IdempotencyEntry {
  const read = fieldReader(item, "idempotency");
  return {
    callerId: read.string("callerId"),
    key: read.string("key"),
    bodyHash: read.string("bodyHash"),
    changeId: read.string("changeId"),
    expiresAt: read.number("expiresAt"),
  };
}

/** The index entry of an AWS peering connection (`pcx-…`): the change that last observed it. */
export interface ConnectionEntry {
  connectionId: string;
  changeId: string;
  /** Epoch seconds (TTL): as long as the change itself can be kept (its deadline, then the retention). */
  expiresAt: number;
}

/** The entry pointing `change.atlas.connectionId` at `change`, or undefined when it observed no connection. */
export function connectionEntryOf(change: ChangeRecord): ConnectionEntry | undefined {
  const connectionId = change.atlas.connectionId;
  if (connectionId === undefined || connectionId === "") return undefined;
  const expiresAt = Math.ceil(change.deadline / 1000) + RETENTION_SECONDS;
  return { connectionId, changeId: change.id, expiresAt };
}

export function encodeConnection(entry: ConnectionEntry): Item {
  return { ...connectionKey(entry.connectionId), ...entry };
}

export function decodeConnection(item: Item): ConnectionEntry {
  const read = fieldReader(item, "connection");
  return {
    connectionId: read.string("connectionId"),
    changeId: read.string("changeId"),
    expiresAt: read.number("expiresAt"),
  };
}

/** `{ [key]: value }`, or nothing when the value is absent (exactOptionalPropertyTypes: never `undefined`). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Typed reads of an item's fields; a wrong type throws naming the field, never its value. */
function fieldReader(item: Item, kind: string) {
  const fail = (name: string): never => {
    throw new ChangeStoreError(`A stored ${kind} item is malformed: field ${name}.`);
  };
  const check = <T>(name: string, ok: (value: unknown) => value is T): T =>
    ok(item[name]) ? item[name] : fail(name);
  const absentOr = <T>(name: string, ok: (value: unknown) => value is T): T | undefined =>
    item[name] === undefined || item[name] === null ? undefined : check(name, ok);
  return {
    string: (name: string) => check(name, isString),
    number: (name: string) => check(name, isNumber),
    optionalString: (name: string) => absentOr(name, isString),
    optionalNumber: (name: string) => absentOr(name, isNumber),
    map: (name: string) => check(name, isMap),
    optionalMap: (name: string) => absentOr(name, isMap),
    list: (name: string) => check(name, Array.isArray),
  };
}

const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The peer-side summary, when it has its pcx and outcome (a malformed one is dropped: the next run rewrites it). */
function peerSideOf(map: Record<string, unknown> | undefined): PeerSideSummary | undefined {
  return typeof map?.pcxId === "string" && typeof map.outcome === "string" && typeof map.at === "number"
    ? (map as unknown as PeerSideSummary)
    : undefined;
}

/** The peer's container, if it was read: a map with a text `id` (records written before it was kept have none). */
function containerOf(map: Record<string, unknown> | undefined): AtlasContainer | undefined {
  return typeof map?.id === "string" ? (map as unknown as AtlasContainer) : undefined;
}

/** Where to reply: `replyTo`, or the `slackResponseUrl` of records written before replies were channel-neutral. */
function replyAddressOf(item: Item): ReplyAddress | undefined {
  const reply = item.replyTo as Partial<ReplyAddress> | undefined;
  if (typeof reply?.channel === "string" && typeof reply.url === "string") {
    return { channel: reply.channel, url: reply.url };
  }
  return typeof item.slackResponseUrl === "string"
    ? { channel: "slack", url: item.slackResponseUrl }
    : undefined;
}
