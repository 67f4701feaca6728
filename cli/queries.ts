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

/** The project of `peers list`, an id to find a peering by (`--q`/`--find`), and whose peerings to list. */
export interface PeerListQuery {
  groupId: string;
  q?: string;
  provider?: string;
}

/** Filters for `audit`. */
export interface AuditQuery {
  groupId: string;
  since?: string;
  limit?: number;
  cursor?: string;
}
