import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { ChangeRecord } from "../../../domain/change/ChangeRecord.js";
import type { ChangeQuery } from "../../../domain/change/listQuery.js";
import type { Notification } from "../../../domain/change/notification.js";
import { isTerminal } from "../../../domain/peering/status.js";
import type {
  ChangeClaims,
  ChangePage,
  ChangeStore,
  CreateOutcome,
  IdempotencyEntry,
  UpdateOptions,
} from "../../../ports/ChangeStore.js";
import { ChangeAlreadyExistsError, ChangeStoreError } from "../../../ports/ChangeStore.js";
import { CREATE_ITEM, createChangeItems, updateChangeItems } from "./changeTransactions.js";
import {
  connectionEntryOf,
  decodeChange,
  decodeConnection,
  decodeIdempotency,
  decodeLock,
  encodeChange,
  type Item,
} from "./codec.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { conditionalWrite, storeRead, transactWrite } from "./errors.js";
import { dueQuery, projectPageQuery, projectSortKeyOf } from "./queries.js";
import { changeKey, connectionKey, type ItemKey, idempotencyKey, lockKey, projectSortKey } from "./table.js";

/** Round trips one `list` call may make while a filter keeps pages short; then it returns a short page. */
const MAX_LIST_ROUND_TRIPS = 10;
/** Items a filtered `list` round trip evaluates: large enough that sparse filters need few round trips. */
const DEFAULT_FILTERED_PAGE_SIZE = 100;

export interface DynamoDbChangeStoreOptions {
  /** Made by `createDocumentClient` (it must remove undefined values). */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Items a filtered `list` round trip evaluates (default 100); tests lower it to exercise continuation. */
  filteredPageSize?: number;
}

/**
 * {@link ChangeStore} on one DynamoDB table (see `table.ts`). Every write is a conditional Put, Delete or transaction, so
 * concurrent and replayed writers are settled by DynamoDB, never by last-writer-wins. A lost condition is an
 * answer (`false`, the holder, the existing entry); any other AWS failure is a {@link ChangeStoreError}.
 */
export class DynamoDbChangeStore implements ChangeStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly filteredPageSize: number;

  constructor(options: DynamoDbChangeStoreOptions) {
    this.doc = options.client;
    this.tableName = options.tableName;
    this.filteredPageSize = options.filteredPageSize ?? DEFAULT_FILTERED_PAGE_SIZE;
  }

  /**
   * One TransactWriteItems: the change, its lock, its key. On a lost condition the holder of the lock and the
   * key's entry are read back (consistently) to say who won; an item gone by then is left out of the answer
   * (the caller tries again).
   */
  async createChange(change: ChangeRecord, claims: ChangeClaims): Promise<CreateOutcome> {
    const TransactItems = createChangeItems(this.tableName, change, claims);
    const failed = await transactWrite("TransactWriteItems (create change)", () =>
      this.doc.send(new TransactWriteCommand({ TransactItems })),
    );
    if (failed === undefined) return { created: true };
    if (failed[CREATE_ITEM.change]) throw new ChangeAlreadyExistsError();
    const lock = failed[CREATE_ITEM.lock]
      ? await this.getItem("GetItem (lock)", lockKey(change.groupId, change.peerId))
      : undefined;
    const key =
      failed[CREATE_ITEM.key] && claims.idempotency
        ? await this.findIdempotencyKey(
            claims.idempotency.callerId,
            claims.idempotency.key,
            claims.nowSeconds,
          )
        : undefined;
    return {
      created: false,
      ...(lock ? { lockedBy: decodeLock(lock) } : {}),
      ...(key ? { keyUsedBy: key } : {}),
    };
  }

  /** A strongly consistent read, so a writer always sees the version it must condition on. */
  async get(id: string): Promise<ChangeRecord | undefined> {
    const item = await this.getItem("GetItem (change)", changeKey(id));
    return item ? decodeChange(item) : undefined;
  }

  /**
   * Full replace conditional on the stored version: a plain conditional Put, or one transaction when the
   * notification or the connection's index entry go with it. Throws `RangeError` if `next.version` skips a step.
   */
  async update(
    next: ChangeRecord,
    expectedVersion: number,
    notification?: Notification,
    options: UpdateOptions = {},
  ): Promise<boolean> {
    if (next.version !== expectedVersion + 1) {
      throw new RangeError(`update: next.version must be ${expectedVersion + 1}, not ${next.version}.`);
    }
    const connection = options.indexConnection ? connectionEntryOf(next) : undefined;
    const settled = options.settled === true;
    if (notification === undefined && connection === undefined && !settled) {
      return this.put("PutItem (update change)", {
        Item: encodeChange(next),
        ConditionExpression: "#version = :expected",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":expected": expectedVersion },
      });
    }
    const TransactItems = updateChangeItems(this.tableName, next, expectedVersion, {
      notification,
      connection,
      settled,
    });
    const failed = await transactWrite("TransactWriteItems (update change)", () =>
      this.doc.send(new TransactWriteCommand({ TransactItems })),
    );
    if (notification && failed?.[1] && !failed[0])
      throw new ChangeStoreError("The outbox already holds a notification for this change version.");
    return failed === undefined;
  }

  /** A consistent read of the connection's index entry (see {@link UpdateOptions.indexConnection}). */
  async changeForConnection(connectionId: string): Promise<string | undefined> {
    const item = await this.getItem("GetItem (connection)", connectionKey(connectionId));
    return item ? decodeConnection(item).changeId : undefined;
  }

  /**
   * Newest first through the `byProject` index. A filter is applied by DynamoDB after reading, so pages can
   * come back short; this keeps reading (at most {@link MAX_LIST_ROUND_TRIPS} times) until `limit` changes are
   * found. The cursor continues right after the last change returned, so nothing is skipped or repeated.
   */
  async list(query: ChangeQuery): Promise<ChangePage> {
    assertLimit(query.limit, 100);
    const filtered = query.peerId !== undefined || query.state !== undefined;
    const items: ChangeRecord[] = [];
    let after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    for (let trip = 0; trip < MAX_LIST_ROUND_TRIPS; trip++) {
      const remaining = query.limit - items.length;
      // Unfiltered, one extra item tells whether a next page exists (no empty last page).
      const pageSize = filtered ? this.filteredPageSize : remaining + 1;
      const input = projectPageQuery(this.tableName, query, pageSize, after);
      const page = await storeRead("Query (list)", () => this.doc.send(new QueryCommand(input)));
      const found = (page.Items ?? []).map(decodeChange);
      items.push(...found.slice(0, remaining));
      const more = found.length > remaining || page.LastEvaluatedKey !== undefined;
      if (items.length === query.limit) return pageOf(items, more);
      if (page.LastEvaluatedKey === undefined) return { items };
      after = projectSortKeyOf(page.LastEvaluatedKey);
    }
    return after === undefined ? { items } : { items, cursor: encodeCursor(after) };
  }

  /** Oldest `nextCheckAt` first from the sparse `due` index: terminal changes are not in it at all. */
  async due(now: number, limit: number): Promise<ChangeRecord[]> {
    assertLimit(limit, Number.MAX_SAFE_INTEGER);
    const input = dueQuery(this.tableName, now, limit);
    const page = await storeRead("Query (due)", () => this.doc.send(new QueryCommand(input)));
    // The index is kept in step with the item it projects; the filter only guards against a hand-edited item.
    return (page.Items ?? []).map(decodeChange).filter((change) => !isTerminal(change.state));
  }

  /** Deletes the lock only if `changeId` holds it; a lock already gone or taken over is left alone. */
  async releasePeerLock(groupId: string, peerId: string, changeId: string): Promise<void> {
    await this.delete("DeleteItem (release lock)", {
      Key: lockKey(groupId, peerId),
      ConditionExpression: "#changeId = :id",
      ExpressionAttributeNames: { "#changeId": "changeId" },
      ExpressionAttributeValues: { ":id": changeId },
    });
  }

  /** A consistent read of the key's entry; an expired entry (TTL not swept yet) is absent. */
  async findIdempotencyKey(
    callerId: string,
    key: string,
    nowSeconds: number,
  ): Promise<IdempotencyEntry | undefined> {
    const item = await this.getItem("GetItem (key)", idempotencyKey(callerId, key));
    const entry = item ? decodeIdempotency(item) : undefined;
    return entry && entry.expiresAt >= nowSeconds ? entry : undefined;
  }

  /** A conditional Put: true if written, false if the condition failed. */
  private async put(operation: string, input: Omit<PutCommandInput, "TableName">): Promise<boolean> {
    return conditionalWrite(operation, () =>
      this.doc.send(new PutCommand({ ...input, TableName: this.tableName })),
    );
  }

  /** A conditional Delete: true if deleted, false if the condition failed. */
  private async delete(operation: string, input: Omit<DeleteCommandInput, "TableName">): Promise<boolean> {
    return conditionalWrite(operation, () =>
      this.doc.send(new DeleteCommand({ ...input, TableName: this.tableName })),
    );
  }

  private async getItem(operation: string, key: ItemKey): Promise<Item | undefined> {
    const input = { TableName: this.tableName, Key: key, ConsistentRead: true };
    const answer = await storeRead(operation, () => this.doc.send(new GetCommand(input)));
    return answer.Item;
  }
}

/** A page, with a cursor after its last change when more may follow. */
function pageOf(items: ChangeRecord[], more: boolean): ChangePage {
  const last = items.at(-1);
  return more && last ? { items, cursor: encodeCursor(projectSortKey(last.createdAt, last.id)) } : { items };
}

function assertLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(`limit must be an integer from 1 to ${max}.`);
  }
}
