import type { Channel } from "../domain/change/ChangeRecord.js";
import type { ChangeState } from "../domain/peering/status.js";

/**
 * What happened to a request: a change let through to Atlas, refused by the gateway (or Atlas), or settled; a
 * read of Atlas (a peer or the peer list) answered; or the gateway's run on the peer's AWS side of a change
 * (`peer-side`: accepted the pcx, added routes, or failed). Readers of stored records check against this list.
 */
export const AUDIT_OUTCOMES = ["accepted", "refused", "completed", "read", "peer-side"] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One entry of the audit trail: who asked what, through which channel, and what came of it. It never holds
 * credentials (no tokens, signatures or Atlas keys); `asked`, `before` and `after` are peering bodies only.
 */
export interface AuditRecord {
  /** Unique; the writer generates it, and a retried write of the same entry keeps it. */
  id: string;
  /** Epoch ms. */
  at: number;
  requestId: string;
  channel: Channel | "unknown";
  /** Absent when authentication failed. */
  callerId?: string;
  outcome: AuditOutcome;
  /**
   * Why refused: "authentication" | "validation" | "policy" | "conflict" | "atlas" | "replay" …
   * (free text, short).
   */
  reason?: string;
  groupId?: string;
  peerId?: string;
  changeId?: string;
  /** What was asked (the desired peering body or fields), never credentials. */
  asked?: unknown;
  /** The peer as Atlas had it (dry runs, completions). */
  before?: unknown;
  after?: unknown;
  atlas?: { httpStatus?: number; status?: string; error?: string; errorCode?: string };
  state?: ChangeState;
  /**
   * A short human message, e.g. the 4xx detail or the field names; for a read, the route it came through
   * (`GET /api/atlas/v2/groups/{groupId}/peers`).
   */
  detail?: string;
  /** `peer-side`: each AWS call and decision of the run (PeerSideStep: ids, AWS codes; never credentials). */
  steps?: unknown;
}

/** A page of audit records, newest first, and the cursor for the next page (absent on the last). */
export interface AuditPage {
  items: AuditRecord[];
  cursor?: string;
}

/** The gateway's append-only audit trail. */
export interface AuditLog {
  /** Appends an entry; writing the same entry (same `id` and `at`) again changes nothing. */
  record(entry: AuditRecord): Promise<void>;
  /**
   * A project's records at or after `since` (epoch ms), newest first. `limit` is 1–100; `cursor` is the
   * opaque cursor of a previous page of the same query.
   */
  list(query: { groupId: string; since: number; limit: number; cursor?: string }): Promise<AuditPage>;
}
