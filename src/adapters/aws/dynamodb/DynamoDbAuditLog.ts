import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { CHANGE_STATES } from "../../../domain/peering/status.js";
import { AUDIT_OUTCOMES, type AuditLog, type AuditPage, type AuditRecord } from "../../../ports/AuditLog.js";
import { ChangeStoreError, InvalidChangeCursorError } from "../../../ports/ChangeStore.js";
import type { Item } from "./codec.js";
import { conditionalWrite, storeRead } from "./errors.js";
import { auditKey, auditPartition, auditSinceKey, isAuditSortKey, PK, SK, TTL_ATTRIBUTE } from "./table.js";

/** 400 days: a year of history plus a margin for the yearly review that reads it. */
const DEFAULT_RETENTION_DAYS = 400;
const SECONDS_PER_DAY = 86_400;
const MAX_LIMIT = 100;
/**
 * Free-form payloads are stored as JSON text, as a change's `desired` is: DynamoDB rejects some JS values
 * (class instances, empty sets, nesting deeper than 32) that JSON carries, and JSON text comes back exactly.
 */
const JSON_FIELDS = ["asked", "before", "after", "steps"] as const;
const STRING_FIELDS = ["callerId", "reason", "groupId", "peerId", "changeId", "detail"] as const;
const CHANNELS: ReadonlySet<unknown> = new Set(["http", "slack", "eventbridge", "unknown"]);
const OUTCOMES: ReadonlySet<unknown> = new Set(AUDIT_OUTCOMES);
const STATES: ReadonlySet<unknown> = new Set(CHANGE_STATES);

export interface DynamoDbAuditLogOptions {
  /** Made by `createDocumentClient` (it must remove undefined values). */
  client: DynamoDBDocumentClient;
  /** The change table: audit records are one more kind of item on it (see `table.ts`). */
  tableName: string;
  /** Days a record is kept before DynamoDB's TTL may delete it (default 400). */
  retentionDays?: number;
}

/**
 * {@link AuditLog} on the change table: one partition per project, sorted by time, so `list` is a single
 * Query and never a scan. Records expire through the table's TTL after `retentionDays`.
 */
export class DynamoDbAuditLog implements AuditLog {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;

  constructor(options: DynamoDbAuditLogOptions) {
    const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isFinite(days) || days <= 0) throw new RangeError("retentionDays must be a positive number.");
    this.doc = options.client;
    this.tableName = options.tableName;
    this.retentionSeconds = Math.round(days * SECONDS_PER_DAY);
  }

  /**
   * A conditional Put on the record's key (`at` and `id`): a retried write of the same entry finds it stored
   * and changes nothing, so the trail never shows one event twice.
   */
  async record(entry: AuditRecord): Promise<void> {
    // The sort key needs both, and a cursor must be able to point after this record.
    if (!Number.isSafeInteger(entry.at) || entry.at < 0 || entry.id === "") {
      throw new RangeError("An audit record needs a non-empty `id` and `at` in epoch milliseconds.");
    }
    const input = {
      TableName: this.tableName,
      Item: this.encode(entry),
      ConditionExpression: "attribute_not_exists(#pk)",
      ExpressionAttributeNames: { "#pk": PK },
    };
    // false means this very entry is already stored (ids are unique): nothing left to do.
    await conditionalWrite("PutItem (audit record)", () => this.doc.send(new PutCommand(input)));
  }

  /**
   * Newest first. Asks for one item more than `limit` so the last page carries no cursor; the cursor is the
   * sort key of the last record returned, so the next page starts right after it.
   */
  async list(query: { groupId: string; since: number; limit: number; cursor?: string }): Promise<AuditPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LIMIT) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_LIMIT}.`);
    }
    if (Number.isNaN(query.since)) throw new RangeError("since must be epoch milliseconds.");
    // Records are stamped in whole ms, so `at >= since` is `at >= ceil(since)`; before 1970 means everything.
    const sinceKey = auditSinceKey(Math.max(0, Math.ceil(Math.min(query.since, Number.MAX_SAFE_INTEGER))));
    const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    // A cursor older than `since` (the query changed): everything after it is older still.
    if (after !== undefined && after < sinceKey) return { items: [] };
    const partition = auditPartition(query.groupId);
    const input = {
      TableName: this.tableName,
      KeyConditionExpression: "#pk = :pk AND #sk >= :since",
      ExpressionAttributeNames: { "#pk": PK, "#sk": SK },
      ExpressionAttributeValues: { ":pk": partition, ":since": sinceKey },
      ScanIndexForward: false,
      Limit: query.limit + 1,
      ...(after === undefined ? {} : { ExclusiveStartKey: { [PK]: partition, [SK]: after } }),
    };
    const page = await storeRead("Query (audit)", () => this.doc.send(new QueryCommand(input)));
    const found = page.Items ?? [];
    const items = found.slice(0, query.limit);
    // More when the extra item came back, or DynamoDB stopped early (its 1 MB page size).
    const more = found.length > query.limit || page.LastEvaluatedKey !== undefined;
    const last = items.at(-1) ?? page.LastEvaluatedKey;
    const records = items.map(decodeAudit);
    return more && last ? { items: records, cursor: encodeAuditCursor(sortKeyOf(last)) } : { items: records };
  }

  private encode(entry: AuditRecord): Item {
    const item: Item = { ...entry, ...auditKey(entry.groupId, entry.at, entry.id) };
    for (const field of JSON_FIELDS) {
      item[field] = entry[field] === undefined ? undefined : JSON.stringify(entry[field]);
    }
    item[TTL_ATTRIBUTE] = Math.floor(entry.at / 1000) + this.retentionSeconds;
    return item;
  }
}

/** The record in an audit item: table keys and `expiresAt` are dropped, absent optional fields stay absent. */
function decodeAudit(item: Item): AuditRecord {
  const field = <T>(name: string, ok: (value: unknown) => boolean): T => {
    if (!ok(item[name])) throw new ChangeStoreError(`A stored audit item is malformed: field ${name}.`);
    return item[name] as T;
  };
  const record: AuditRecord = {
    id: field("id", isString),
    at: field("at", isNumber),
    requestId: field("requestId", isString),
    channel: field("channel", (value) => CHANNELS.has(value)),
    outcome: field("outcome", (value) => OUTCOMES.has(value)),
  };
  for (const name of STRING_FIELDS) {
    if (isPresent(item[name])) record[name] = field(name, isString);
  }
  for (const name of JSON_FIELDS) {
    if (isPresent(item[name])) record[name] = parseJson(field(name, isString), name);
  }
  if (isPresent(item.atlas)) record.atlas = decodeAtlas(field("atlas", isMap));
  if (isPresent(item.state)) record.state = field("state", (value) => STATES.has(value));
  return record;
}

/** Atlas's answer, keeping only the fields of the right type that were stored. */
function decodeAtlas(stored: Record<string, unknown>): NonNullable<AuditRecord["atlas"]> {
  const atlas: NonNullable<AuditRecord["atlas"]> = {};
  if (isNumber(stored.httpStatus)) atlas.httpStatus = stored.httpStatus;
  for (const name of ["status", "error", "errorCode"] as const) {
    const value = stored[name];
    if (isString(value)) atlas[name] = value;
  }
  return atlas;
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ChangeStoreError(`A stored audit item is malformed: field ${name}.`);
  }
}

/** base64url(JSON) of the audit sort key to continue after (its own shape: a change cursor is not one). */
function encodeAuditCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ auditAfter: sortKey }), "utf8").toString("base64url");
}

/** The sort key an audit cursor continues after; throws {@link InvalidChangeCursorError} if malformed. */
function decodeAuditCursor(cursor: string): string {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidChangeCursorError();
  }
  const after = body && typeof body === "object" ? (body as { auditAfter?: unknown }).auditAfter : undefined;
  if (typeof after !== "string" || !isAuditSortKey(after)) throw new InvalidChangeCursorError();
  return after;
}

function sortKeyOf(item: Item): string {
  const sortKey = item[SK];
  if (typeof sortKey !== "string")
    throw new ChangeStoreError("DynamoDB returned an audit item without its sort key.");
  return sortKey;
}

const isPresent = (value: unknown): boolean => value !== undefined && value !== null;
const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
