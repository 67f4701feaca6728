import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import type { ChangeQuery } from "../domain/change/listQuery.js";
import type { Notification } from "../domain/change/notification.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { RateDecision, RateLimit } from "../domain/rateLimit.js";

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

/** What a new change claims as it is recorded: its peering's lock and, optionally, its Idempotency-Key. */
export interface ChangeClaims {
  /** The lock is taken if free, or taken over from this change (found ended or abandoned). */
  replacingLockOf?: string;
  /** Stored unless a live entry exists (one that expired before `nowSeconds` counts as absent). */
  idempotency?: IdempotencyEntry;
  nowSeconds: number;
}

/** Why a change was not recorded: who holds the lock, who used the key (either or both). Nothing was written. */
export type CreateOutcome =
  | { created: true }
  | { created: false; lockedBy?: PeerLockHolder; keyUsedBy?: IdempotencyEntry };

/** What `update` writes besides the change, in the same conditional write. */
export interface UpdateOptions {
  /**
   * Point the change's `atlas.connectionId` at this change (it has just observed the connection, or another
   * one): a CloudTrail event naming the `pcx-…` then finds it. Ignored when the change has no connection id.
   */
  indexConnection?: boolean;
  /**
   * The change has just SUCCEEDED: record it as its peering's drift baseline (see DriftStore.ts), overwriting
   * the previous change's, in the same write, so no settled change goes unwatched.
   */
  settled?: boolean;
}

/** Durable storage of change requests. Every write is conditional; none is a blind overwrite. */
export interface ChangeStore {
  /**
   * Records a new change together with its peering's lock and its Idempotency-Key, all or nothing (one
   * transaction), so no lock or key ever names a change that was not stored. Throws
   * {@link ChangeAlreadyExistsError} if the id is taken.
   */
  createChange(change: ChangeRecord, claims: ChangeClaims): Promise<CreateOutcome>;
  get(id: string): Promise<ChangeRecord | undefined>;
  /**
   * Replaces the change with `next` (whose `version` must be `expectedVersion + 1`) only if the stored
   * version is still `expectedVersion`, and adds `notification` to the outbox in the same write. Returns
   * false, changing nothing, when another writer got there first.
   */
  update(
    next: ChangeRecord,
    expectedVersion: number,
    notification?: Notification,
    options?: UpdateOptions,
  ): Promise<boolean>;
  /**
   * The id of the change that last observed this AWS peering connection (`atlas.connectionId`, `pcx-…`), read
   * from the entry `update` keeps with `indexConnection`: one read, never a scan. The change may have ended or
   * moved to another connection since; the caller reads it and checks.
   */
  changeForConnection(connectionId: string): Promise<string | undefined>;
  /** A project's changes, newest first, optionally only one peer's and/or one state's. */
  list(query: ChangeQuery): Promise<ChangePage>;
  /** Non-terminal changes whose `nextCheckAt` is at or before `now`, oldest first, through an index. */
  due(now: number, limit: number): Promise<ChangeRecord[]>;
  /** Releases the lock if `changeId` still holds it. */
  releasePeerLock(groupId: string, peerId: string, changeId: string): Promise<void>;
  /** The live entry of a caller's Idempotency-Key, if any. */
  findIdempotencyKey(
    callerId: string,
    key: string,
    nowSeconds: number,
  ): Promise<IdempotencyEntry | undefined>;
}

/**
 * The notifications not delivered yet (see domain/change/notification.ts), on the change store's table. Every
 * write is conditional on what the writer read, so two notify invocations never both deliver one attempt.
 */
export interface NotificationOutbox {
  get(changeId: string, version: number): Promise<Notification | undefined>;
  /**
   * Replaces `previous` by `next` (the same notification, moved on), or deletes it when `next` is undefined,
   * only if the stored one is still at `previous.revision`. False when someone else moved it.
   */
  replace(previous: Notification, next: Notification | undefined): Promise<boolean>;
  /** Notifications whose `dueAt` is at or before `now`, oldest first, through an index. */
  due(now: number, limit: number): Promise<Notification[]>;
}

/**
 * One token bucket per caller for change-making requests, on the change store's table so every container
 * shares it. `limit` is the caller's own from the registry, else the adapter's default. Store failures are
 * thrown as {@link ChangeStoreError}s: a change is never let through unchecked.
 */
export interface ChangeRateLimiter {
  take(callerId: string, limit: RateLimit | undefined, now: number): Promise<RateDecision>;
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
