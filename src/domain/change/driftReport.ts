/**
 * What a drift announcement carries (see drift.ts): on its own so the outbox's notification type can name it
 * without depending on the drift rules.
 */

/** One setting the settled change asked for that Atlas holds otherwise now. */
export interface DriftedField {
  field: string;
  /** What the change asked for (and Atlas held when it settled). */
  expected: unknown;
  /** What Atlas holds now; null when the peer no longer has the field. */
  actual: unknown;
}

/** What a drift announcement says (the `Peering Drifted` event's detail, the callback's `data.drift`). */
export interface DriftReport {
  groupId: string;
  peerId: string;
  provider: string;
  /** Empty when only the status drifted (FAILED on its own, or the peer is gone). */
  fields: DriftedField[];
  /** Atlas's status now (`AVAILABLE`, `FAILED`, …), `NOT_FOUND` when Atlas no longer has the peer. */
  atlasStatus: string;
  /** Atlas's error field (AWS `errorStateName`, …), when it has one. */
  atlasError?: string;
  /** The change the gateway last settled on this peering: the baseline compared with. */
  lastChangeId: string;
  /** ISO 8601 time the drift was seen. */
  detectedAt: string;
  /** Identifies this drift: the same drift seen again has the same signature and is not announced again. */
  signature: string;
}
