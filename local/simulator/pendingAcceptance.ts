import type { ContainerStore } from "./containers.js";
import type { PeerRecord } from "./peers.js";

/**
 * What the peer's AWS side sees once Atlas has made its VPC peering request: a pending `pcx-…` from Atlas's
 * VPC to the peer's. The simulator tells of each one (`onPendingAcceptance`) so a stand-in of the peer's
 * AWS account (the local stack's EC2 emulator) can hold the same request, as AWS would.
 */

/** The AWS account Atlas's VPCs belong to in the simulator (made up, 12 digits like any account id). */
export const ATLAS_AWS_ACCOUNT_ID = "536727724300";

/** One side of a VPC peering request: whose VPC, where, and its CIDR. */
export interface PeeringSideInfo {
  accountId: string;
  vpcId: string;
  /** AWS's spelling: `us-east-1`. */
  region: string;
  cidr: string;
}

/** An AWS peer that reached PENDING_ACCEPTANCE, with the request Atlas made for it. */
export interface PendingAwsPeering {
  groupId: string;
  peerId: string;
  /** The request's `pcx-…`, as Atlas's `connectionId` shows it from now on. */
  connectionId: string;
  /** The peer's VPC: `awsAccountId`, `vpcId`, `accepterRegionName` (else the container's) and its CIDR. */
  accepter: PeeringSideInfo;
  /** Atlas's VPC: the container's, in {@link ATLAS_AWS_ACCOUNT_ID}. */
  atlas: PeeringSideInfo;
}

/** `US_EAST_1` (Atlas) or `us-east-1` (AWS) as AWS spells it. */
export function awsRegionName(name: string): string {
  return name.toLowerCase().replaceAll("_", "-");
}

/** The request for `peer` (an AWS peer), or undefined when its container or settings are missing. */
export function pendingAwsPeering(
  peer: PeerRecord,
  connectionId: string,
  containers: ContainerStore,
): PendingAwsPeering | undefined {
  const { settings } = peer;
  const container = containers.find(peer.groupId, settings.containerId ?? "");
  const fields = container?.fields ?? {};
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const atlasRegion = text(fields.regionName);
  const accepterRegion = settings.accepterRegionName ?? atlasRegion;
  const { awsAccountId, vpcId, routeTableCidrBlock } = settings;
  const atlasVpc = text(fields.vpcId);
  const atlasCidr = text(fields.atlasCidrBlock);
  if (!awsAccountId || !vpcId || !routeTableCidrBlock || !accepterRegion) return undefined;
  if (!atlasRegion || !atlasVpc || !atlasCidr) return undefined;
  return {
    groupId: peer.groupId,
    peerId: peer.id,
    connectionId,
    accepter: {
      accountId: awsAccountId,
      vpcId,
      region: awsRegionName(accepterRegion),
      cidr: routeTableCidrBlock,
    },
    atlas: {
      accountId: ATLAS_AWS_ACCOUNT_ID,
      vpcId: atlasVpc,
      region: awsRegionName(atlasRegion),
      cidr: atlasCidr,
    },
  };
}

/**
 * The store's listener for `listener`: builds the request and hands it on; a listener that throws is
 * ignored, so what it does never changes the simulator's answer.
 */
export function announcer(
  listener: ((peering: PendingAwsPeering) => void) | undefined,
  containers: ContainerStore,
): (peer: PeerRecord, connectionId: string) => void {
  return (peer, connectionId) => {
    if (listener === undefined || peer.provider !== "AWS") return;
    const peering = pendingAwsPeering(peer, connectionId, containers);
    if (peering === undefined) return;
    try {
      listener(peering);
    } catch {
      // The stand-in's trouble is its own: Atlas answers the same whatever the peer's side does.
    }
  };
}
