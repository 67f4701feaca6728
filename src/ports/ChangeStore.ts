import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import type { ChangeState } from "../domain/peering/status.js";

/** A page of changes, newest first, and the cursor for the next page (absent on the last). */
export interface ChangePage {
  items: ChangeRecord[];
  cursor?: string;
}

export interface ChangeQuery {
  groupId: string;
  peerId?: string;
  state?: ChangeState;
  /** 1–100. */
  limit: number;
  /** Opaque cursor from a previous page. */
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
