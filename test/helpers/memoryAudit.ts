import type { AuditLog, AuditPage, AuditRecord } from "../../src/ports/AuditLog.js";
import type { ReplayGuard } from "../../src/ports/ReplayGuard.js";

/**
 * An in-memory AuditLog with the DynamoDB adapter's semantics (one trail per project, records without a
 * project apart, newest first, `since` inclusive, a duplicate `record` of the same entry ignored), for unit
 * tests of the use cases and the HTTP entry. `records` holds every stored entry in the order written.
 */
export class MemoryAuditLog implements AuditLog {
  readonly records: AuditRecord[] = [];

  async record(entry: AuditRecord): Promise<void> {
    if (this.records.some((r) => r.id === entry.id && r.at === entry.at && r.groupId === entry.groupId))
      return;
    this.records.push(structuredClone(entry));
  }

  async list(query: { groupId: string; since: number; limit: number; cursor?: string }): Promise<AuditPage> {
    const all = this.records
      // Records without a project sit under "-", as in the adapter's `AUDIT#-` partition.
      .filter((r) => (r.groupId ?? "-") === query.groupId && r.at >= query.since)
      // The adapter's sort key is `<at>#<id>`: newest first, ties by id descending.
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const start = query.cursor ? Number(query.cursor) : 0;
    const items = all.slice(start, start + query.limit).map((r) => structuredClone(r));
    const end = start + items.length;
    return end < all.length ? { items, cursor: String(end) } : { items };
  }

  /** Records with this outcome (and reason, when given), oldest first: what tests usually assert on. */
  withOutcome(outcome: AuditRecord["outcome"], reason?: string): AuditRecord[] {
    return this.records.filter((r) => r.outcome === outcome && (reason === undefined || r.reason === reason));
  }
}

/** An in-memory ReplayGuard: a signature is refused until its `expiresAtSeconds` has passed. */
export class MemoryReplayGuard implements ReplayGuard {
  readonly seen = new Map<string, number>();

  async firstSeen(signature: string, expiresAtSeconds: number, nowSeconds: number): Promise<boolean> {
    const expiresAt = this.seen.get(signature);
    if (expiresAt !== undefined && expiresAt >= nowSeconds) return false;
    this.seen.set(signature, Math.max(expiresAtSeconds, nowSeconds));
    return true;
  }
}
