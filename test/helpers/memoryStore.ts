import type { ChangeRecord } from "../../src/domain/change/ChangeRecord.js";
import type { ChangeQuery } from "../../src/domain/change/listQuery.js";
import type { Notification } from "../../src/domain/change/notification.js";
import { isTerminal } from "../../src/domain/peering/status.js";
import { decideRate, type RateDecision, type RateLimit } from "../../src/domain/rateLimit.js";
import type {
  ChangeClaims,
  ChangePage,
  ChangeRateLimiter,
  ChangeStore,
  CreateOutcome,
  IdempotencyEntry,
  NotificationOutbox,
  PeerLockHolder,
  UpdateOptions,
} from "../../src/ports/ChangeStore.js";
import { ChangeAlreadyExistsError } from "../../src/ports/ChangeStore.js";

/**
 * An in-memory ChangeStore with the same conditional semantics as the DynamoDB adapter, for unit tests of the
 * use cases and the HTTP entry (the adapter itself is tested against dynalite).
 */
export class MemoryChangeStore implements ChangeStore {
  readonly changes = new Map<string, ChangeRecord>();
  readonly locks = new Map<string, PeerLockHolder>();
  readonly keys = new Map<string, IdempotencyEntry>();
  /** The connection index `update` keeps when asked (`indexConnection`): `pcx-…` → change id. */
  readonly connections = new Map<string, string>();
  /** Where `update` puts notifications, as the DynamoDB store's transaction does. */
  readonly outbox = new MemoryNotificationOutbox();

  /** Stores a change as if recorded earlier (test setup), without its lock or key. */
  async seed(change: ChangeRecord): Promise<void> {
    if (this.changes.has(change.id)) throw new ChangeAlreadyExistsError();
    this.changes.set(change.id, structuredClone(change));
  }

  async get(id: string): Promise<ChangeRecord | undefined> {
    const change = this.changes.get(id);
    return change && structuredClone(change);
  }

  async update(
    next: ChangeRecord,
    expectedVersion: number,
    notification?: Notification,
    options: UpdateOptions = {},
  ): Promise<boolean> {
    if (this.changes.get(next.id)?.version !== expectedVersion) return false;
    if (notification) this.outbox.add(notification);
    this.changes.set(next.id, structuredClone(next));
    const connection = next.atlas.connectionId;
    if (options.indexConnection && connection) this.connections.set(connection, next.id);
    return true;
  }

  async changeForConnection(connectionId: string): Promise<string | undefined> {
    return this.connections.get(connectionId);
  }

  async list(query: ChangeQuery): Promise<ChangePage> {
    const all = [...this.changes.values()]
      .filter(
        (c) =>
          c.groupId === query.groupId &&
          (!query.peerId || c.peerId === query.peerId) &&
          (!query.state || c.state === query.state),
      )
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
    const start = query.cursor ? Number(query.cursor) : 0;
    const items = all.slice(start, start + query.limit);
    const end = start + items.length;
    return end < all.length ? { items, cursor: String(end) } : { items };
  }

  async due(now: number, limit: number): Promise<ChangeRecord[]> {
    return [...this.changes.values()]
      .filter((c) => !isTerminal(c.state) && c.nextCheckAt !== undefined && c.nextCheckAt <= now)
      .sort((a, b) => (a.nextCheckAt ?? 0) - (b.nextCheckAt ?? 0))
      .slice(0, limit);
  }

  async releasePeerLock(groupId: string, peerId: string, changeId: string): Promise<void> {
    if (this.locks.get(`${groupId}#${peerId}`)?.changeId === changeId)
      this.locks.delete(`${groupId}#${peerId}`);
  }

  async findIdempotencyKey(callerId: string, key: string, nowSeconds: number) {
    const entry = this.keys.get(`${callerId}#${key}`);
    return entry && entry.expiresAt >= nowSeconds ? structuredClone(entry) : undefined;
  }

  /** All or nothing, as the DynamoDB transaction: nothing is written when any claim is refused. */
  async createChange(change: ChangeRecord, claims: ChangeClaims): Promise<CreateOutcome> {
    if (this.changes.has(change.id)) throw new ChangeAlreadyExistsError();
    const lockName = `${change.groupId}#${change.peerId}`;
    const holder = this.locks.get(lockName);
    const lockFree = !holder || holder.changeId === claims.replacingLockOf;
    const entry = claims.idempotency;
    const used = entry ? this.keys.get(`${entry.callerId}#${entry.key}`) : undefined;
    const keyFree = !used || used.expiresAt < claims.nowSeconds;
    if (!lockFree || !keyFree) {
      return {
        created: false,
        ...(lockFree || !holder ? {} : { lockedBy: structuredClone(holder) }),
        ...(keyFree || !used ? {} : { keyUsedBy: structuredClone(used) }),
      };
    }
    this.changes.set(change.id, structuredClone(change));
    this.locks.set(lockName, { changeId: change.id, since: change.createdAt });
    if (entry) this.keys.set(`${entry.callerId}#${entry.key}`, structuredClone(entry));
    return { created: true };
  }
}

/** The rate limiter on the memory store's terms: one `tat` per caller, decided as the DynamoDB adapter does. */
export class MemoryRateLimiter implements ChangeRateLimiter {
  readonly tats = new Map<string, number>();

  /** Roomy by default, so tests that are not about the limit never meet it. */
  constructor(private readonly defaultLimit: RateLimit = { perMinute: 6_000, burst: 1_000 }) {}

  async take(callerId: string, limit: RateLimit | undefined, now: number): Promise<RateDecision> {
    const decision = decideRate(this.tats.get(callerId), now, limit ?? this.defaultLimit);
    if (decision.allowed) this.tats.set(callerId, decision.nextTat);
    return decision;
  }
}

/** The outbox the memory store's `update` writes to, with the DynamoDB adapter's conditional semantics. */
export class MemoryNotificationOutbox implements NotificationOutbox {
  readonly items = new Map<string, Notification>();

  add(notification: Notification): void {
    const name = `${notification.changeId}#${notification.version}`;
    if (this.items.has(name)) throw new Error("the outbox already holds this notification");
    this.items.set(name, structuredClone(notification));
  }

  async get(changeId: string, version: number): Promise<Notification | undefined> {
    const found = this.items.get(`${changeId}#${version}`);
    return found && structuredClone(found);
  }

  async replace(previous: Notification, next: Notification | undefined): Promise<boolean> {
    const name = `${previous.changeId}#${previous.version}`;
    if (this.items.get(name)?.revision !== previous.revision) return false;
    if (next) this.items.set(name, structuredClone(next));
    else this.items.delete(name);
    return true;
  }

  async due(now: number, limit: number): Promise<Notification[]> {
    return [...this.items.values()]
      .filter((n) => n.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit)
      .map((n) => structuredClone(n));
  }
}
