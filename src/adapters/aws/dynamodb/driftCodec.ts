/**
 * The drift check's items on the change table. Pure: no network.
 *
 * - settled peering `SETTLED#<groupId>#<peerId>` / `SETTLED`: every {@link SettledPeering} field, in the sparse
 *   `due` index under `DRIFT` by `checkedAt`, so the sweeper reads the longest-unchecked first without a scan;
 *   `expiresAt` is the settled change's own, so it goes when the change it compares with goes;
 * - drift run `DRIFT#RUN` / `DRIFT#RUN`: `nextRunAt`, which the one sweeper that runs the check moves on.
 */
import type { ChangeRecord } from "../../../domain/change/ChangeRecord.js";
import { RETENTION_SECONDS } from "../../../domain/change/lifecycle.js";
import { ChangeStoreError } from "../../../ports/ChangeStore.js";
import type { SettledPeering } from "../../../ports/DriftStore.js";
import type { Item } from "./codec.js";
import { DUE_AT, DUE_PK, type ItemKey, PK, SK, TTL_ATTRIBUTE } from "./table.js";

/** The `due` index partition of settled peerings, by the time of their last drift check. */
export const DRIFT_DUE_PARTITION = "DRIFT";

/** The key of a peering's settled item: one per peering, the last change that SUCCEEDED overwrites it. */
export function settledKey(groupId: string, peerId: string): ItemKey {
  return { [PK]: `SETTLED#${groupId}#${peerId}`, [SK]: "SETTLED" };
}

/** The key of the item that says when the next drift run is due. */
export const DRIFT_RUN_KEY: ItemKey = { [PK]: "DRIFT#RUN", [SK]: "DRIFT#RUN" };

/** The baseline a change that has just SUCCEEDED leaves: checked now (Atlas matched it), nothing announced. */
export function settledPeeringOf(change: ChangeRecord): SettledPeering {
  return {
    groupId: change.groupId,
    peerId: change.peerId,
    changeId: change.id,
    checkedAt: change.updatedAt,
    announced: 0,
    revision: 1,
    expiresAt: change.expiresAt ?? Math.floor(change.updatedAt / 1000) + RETENTION_SECONDS,
  };
}

export function encodeSettled(settled: SettledPeering): Item {
  return {
    ...settled,
    ...settledKey(settled.groupId, settled.peerId),
    [DUE_PK]: DRIFT_DUE_PARTITION,
    [DUE_AT]: settled.checkedAt,
    [TTL_ATTRIBUTE]: settled.expiresAt,
  };
}

/** The settled peering in an item; a malformed item fails naming the field, never its value. */
export function decodeSettled(item: Item): SettledPeering {
  const fail = (field: string): never => {
    throw new ChangeStoreError(`A stored settled-peering item is malformed: field ${field}.`);
  };
  const string = (field: string): string => (typeof item[field] === "string" ? item[field] : fail(field));
  const number = (field: string): number =>
    typeof item[field] === "number" && Number.isFinite(item[field]) ? item[field] : fail(field);
  const drift = item.drift as { signature?: unknown; since?: unknown } | undefined | null;
  const hasDrift = typeof drift?.signature === "string" && typeof drift.since === "number";
  return {
    groupId: string("groupId"),
    peerId: string("peerId"),
    changeId: string("changeId"),
    checkedAt: number("checkedAt"),
    ...(hasDrift ? { drift: { signature: drift.signature as string, since: drift.since as number } } : {}),
    announced: number("announced"),
    revision: number("revision"),
    expiresAt: number("expiresAt"),
  };
}
