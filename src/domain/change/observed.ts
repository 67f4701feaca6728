/**
 * What the gateway keeps of Atlas's answers beyond the status: the peer's settings as Atlas returned them, and
 * the peer's network container. Next actions and remediations name these, Atlas's truth, before the request.
 */
import { parseObject } from "../json.js";
import { peerObject } from "../peering/status.js";
import type { AtlasContainer, ChangeRecord } from "./ChangeRecord.js";

/** Every provider's writable settings and the container: what a next action may name (no read-only status). */
const PEER_SETTINGS = [
  "providerName",
  "containerId",
  "accepterRegionName",
  "awsAccountId",
  "routeTableCidrBlock",
  "vpcId",
  "azureDirectoryId",
  "azureSubscriptionId",
  "resourceGroupName",
  "vnetName",
  "gcpProjectId",
  "networkName",
] as const;

/**
 * The settings of an Atlas peer object worth keeping, text or null (null is meaningful: an AWS
 * `accepterRegionName` of null is the container's region); undefined when the answer carried none.
 */
export function observedPeerSettings(
  peer: Record<string, unknown> | undefined,
): Record<string, string | null> | undefined {
  if (peer === undefined) return undefined;
  const kept = PEER_SETTINGS.flatMap((field) => {
    const value = peer[field];
    return typeof value === "string" || value === null ? [[field, value] as const] : [];
  });
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** The text fields of an Atlas container answer the gateway keeps (`envelope=true` unwrapped). */
const CONTAINER_FIELDS = [
  "providerName",
  "atlasCidrBlock",
  "regionName",
  "region",
  "gcpProjectId",
  "networkName",
  "azureSubscriptionId",
  "vnetName",
  "vpcId",
] as const;

/**
 * The container `id` as Atlas's `GET …/containers/{id}` body describes it: only its text fields (Atlas
 * answers null for GCP's project and network while the container has no cluster).
 */
export function containerFromAnswer(id: string, body: string): AtlasContainer {
  const container = peerObject(parseObject(body)) ?? {};
  const fields = CONTAINER_FIELDS.flatMap((field) => {
    const value = container[field];
    return typeof value === "string" && value !== "" ? [[field, value] as const] : [];
  });
  return { id, ...Object.fromEntries(fields) };
}

/** Atlas's ids are 24 lowercase hex digits; anything else is not put in a URL. */
const ATLAS_ID = /^[0-9a-f]{24}$/;

/**
 * The container to read for a change that has just waited for a person and has none yet: the peer's own
 * `containerId` as Atlas returned it, else the body's; undefined when there is none or it is not due.
 */
export function containerToRead(change: ChangeRecord): string | undefined {
  if (change.state !== "WAITING_FOR_USER" || change.container !== undefined) return undefined;
  const observed = change.atlas.peer?.containerId;
  const asked = parseObject(change.desired).containerId;
  const id = typeof observed === "string" ? observed : asked;
  return typeof id === "string" && ATLAS_ID.test(id) ? id : undefined;
}
