import type { Notification } from "../domain/change/notification.js";
import type { PeerLockHolder } from "./ChangeStore.js";

/**
 * A peering the gateway last changed successfully: the baseline of the drift check. The change store writes
 * it in the same write as the change entering SUCCEEDED (`UpdateOptions.settled`), so every settled change
 * is watched, and it expires with the change (the change's record is what it is compared with).
 */
export interface SettledPeering {
  groupId: string;
  peerId: string;
  /** The last change that SUCCEEDED on the peering. */
  changeId: string;
  /** Epoch ms of the last drift check (first: when the change settled, Atlas matching it then). */
  checkedAt: number;
  /** The drift announced last and not resolved since (its signature, and when it was first seen). */
  drift?: { signature: string; since: number };
  /** Drifts announced for this change so far (each takes its own notification version). */
  announced: number;
  /** Goes up by one on every write; each write is conditional on the revision its writer read. */
  revision: number;
  /** Epoch seconds: the change's own expiry (TTL). */
  expiresAt: number;
}

/**
 * The drift check's storage, on the change store's table: the settled peerings, read oldest-checked first
 * through an index (never a scan), and who is changing a peering now.
 */
export interface DriftStore {
  /**
   * Takes the drift run due at `now` (the previous one was at least `everyMs` ago): true for exactly one of
   * any number of concurrent sweepers, which then runs it.
   */
  claimRun(now: number, everyMs: number): Promise<boolean>;
  /** At most `limit` settled peerings last checked at or before `before`, longest ago first. */
  oldestChecked(before: number, limit: number): Promise<SettledPeering[]>;
  /**
   * Replaces `previous` by `next` only if the stored one is still `previous` (revision and change), with
   * `notification` added to the outbox in the same write. False, writing nothing, when it moved on (another
   * check, or a newer change settling on the peering).
   */
  recordCheck(previous: SettledPeering, next: SettledPeering, notification?: Notification): Promise<boolean>;
  /** Who holds the peering's one-change lock, if anyone (a change may be in flight). */
  lockHolder(groupId: string, peerId: string): Promise<PeerLockHolder | undefined>;
}
