import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import type { ChangeQuery } from "../domain/change/listQuery.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";

/** A page of changes, newest first, and the cursor for the next page (absent on the last). */
export interface ChangePage {
  items: ChangeRecord[];
  cursor?: string;
}

/** Who holds the one-change-per-peering lock. */
export interface PeerLockHolder {
  changeId: string;
  /** Epoch ms the lock was taken. */
  since: number;
}

/** A remembered Idempotency-Key. */
export interface IdempotencyEntry {
  callerId: string;
  key: string;
  /** SHA-256 hex of the request body the key was first used with. */
  bodyHash: string;
  changeId: string;
  /** Epoch seconds after which the key is forgotten. */
  expiresAt: number;
}

/** Durable storage of change requests. Every write is conditional; none is a blind overwrite. */
export interface ChangeStore {
  /** Stores a new change; throws if the id exists. */
  create(change: ChangeRecord): Promise<void>;
  get(id: string): Promise<ChangeRecord | undefined>;
  /**
   * Replaces the change with `next` (whose `version` must be `expectedVersion + 1`) only if the stored
   * version is still `expectedVersion`. Returns false, changing nothing, when another writer got there first.
   */
  update(next: ChangeRecord, expectedVersion: number): Promise<boolean>;
  /** A project's changes, newest first, optionally only one peer's and/or one state's. */
  list(query: ChangeQuery): Promise<ChangePage>;
  /** Non-terminal changes whose `nextCheckAt` is at or before `now`, oldest first, through an index. */
  due(now: number, limit: number): Promise<ChangeRecord[]>;
  /** Takes the peering's lock for `changeId`, unless someone holds it. */
  acquirePeerLock(
    groupId: string,
    peerId: string,
    changeId: string,
    now: number,
  ): Promise<{ acquired: true } | { acquired: false; holder: PeerLockHolder }>;
  /** Moves the lock from `fromChangeId` (stale) to `toChangeId`; false if it is no longer `fromChangeId`'s. */
  replacePeerLock(
    groupId: string,
    peerId: string,
    fromChangeId: string,
    toChangeId: string,
    now: number,
  ): Promise<boolean>;
  /** Releases the lock if `changeId` still holds it. */
  releasePeerLock(groupId: string, peerId: string, changeId: string): Promise<void>;
  /** Remembers a key unless it is remembered (and not expired); returns the earlier entry then. */
  rememberIdempotencyKey(
    entry: IdempotencyEntry,
    nowSeconds: number,
  ): Promise<{ stored: true } | { stored: false; existing: IdempotencyEntry }>;
}

/**
 * The change store failed (DynamoDB refused, throttled or was unreachable, or a stored item is malformed).
 * The message names the operation and the AWS error name, never an item's values; the AWS error is the `cause`.
 */
export class ChangeStoreError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "store-unavailable";
  readonly title: string = "The change store is unavailable";

  /** Which operation failed is for the logs; the caller only needs to know to retry. */
  override get detail(): string {
    return "Retry later.";
  }
}

/** `create` found a change with the same id already stored (ids are generated, so this is a bug or a replay). */
export class ChangeAlreadyExistsError extends ChangeStoreError {
  override readonly kind: ErrorKind = "conflict";
  override readonly code: string = "change-exists";
  constructor() {
    super("A change with this id is already stored.");
  }
}

/** A `list` cursor that this store did not produce (tampered, truncated or from another version). */
export class InvalidChangeCursorError extends GatewayError {
  readonly kind: ErrorKind = "invalid";
  readonly code: string = "validation";
  readonly title: string = "The request is not valid";
  constructor() {
    super("The cursor is not valid; use the cursor of a previous page as it was given.");
  }

  override details(): Record<string, unknown> {
    return { errors: [{ path: "query.cursor", message: "is not a cursor this listing returned" }] };
  }
}
