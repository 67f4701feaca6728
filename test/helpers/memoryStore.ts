import type { ChangeRecord } from "../../src/domain/change/ChangeRecord.js";
import type { ChangeQuery } from "../../src/domain/change/listQuery.js";
import { isTerminal } from "../../src/domain/peering/status.js";
import type {
  ChangePage,
  ChangeStore,
  IdempotencyEntry,
  PeerLockHolder,
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

  async create(change: ChangeRecord): Promise<void> {
    if (this.changes.has(change.id)) throw new ChangeAlreadyExistsError(); // as the DynamoDB store does
    this.changes.set(change.id, structuredClone(change));
  }

  async get(id: string): Promise<ChangeRecord | undefined> {
    const change = this.changes.get(id);
    return change && structuredClone(change);
  }

  async update(next: ChangeRecord, expectedVersion: number): Promise<boolean> {
    if (this.changes.get(next.id)?.version !== expectedVersion) return false;
    this.changes.set(next.id, structuredClone(next));
    return true;
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

  async acquirePeerLock(groupId: string, peerId: string, changeId: string, now: number) {
    const holder = this.locks.get(`${groupId}#${peerId}`);
    if (holder) return { acquired: false as const, holder };
    this.locks.set(`${groupId}#${peerId}`, { changeId, since: now });
    return { acquired: true as const };
  }

  async replacePeerLock(
    groupId: string,
    peerId: string,
    from: string,
    to: string,
    now: number,
  ): Promise<boolean> {
    if (this.locks.get(`${groupId}#${peerId}`)?.changeId !== from) return false;
    this.locks.set(`${groupId}#${peerId}`, { changeId: to, since: now });
    return true;
  }

  async releasePeerLock(groupId: string, peerId: string, changeId: string): Promise<void> {
    if (this.locks.get(`${groupId}#${peerId}`)?.changeId === changeId)
      this.locks.delete(`${groupId}#${peerId}`);
  }

  async rememberIdempotencyKey(entry: IdempotencyEntry, nowSeconds: number) {
    const existing = this.keys.get(`${entry.callerId}#${entry.key}`);
    if (existing && existing.expiresAt >= nowSeconds) return { stored: false as const, existing };
    this.keys.set(`${entry.callerId}#${entry.key}`, entry);
    return { stored: true as const };
  }
}
