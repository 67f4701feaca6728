/** What the parsed command line asks of the gateway: how to wait, and the filters of each listing. */

/** How to follow a change: poll every `intervalMs`, give up after `timeoutMs` (never when absent). */
export interface WaitOptions {
  intervalMs: number;
  timeoutMs?: number;
}

/** Filters for `list`. */
export interface ListQuery {
  groupId: string;
  peerId?: string;
  state?: string;
  limit?: number;
  cursor?: string;
}

/** Atlas's paging of `peers list` (`pageNum`, `itemsPerPage`) and whose peerings to list. */
export interface PeerListQuery {
  providerName?: string;
  pageNum?: number;
  itemsPerPage?: number;
}

/** Filters for `audit`. */
export interface AuditQuery {
  groupId: string;
  since?: string;
  limit?: number;
  cursor?: string;
}
