/**
 * When the gateway accepts a peering on the peer's side, and with what: Atlas reports the AWS peer
 * PENDING_ACCEPTANCE with a `pcx-…`, and the peer's account is one of the configured accepter accounts.
 */
import { awsRegion } from "../peering/providers/observed.js";
import type { AccepterAccount, AccepterAccounts } from "./accounts.js";

/** Everything the peer-account side needs to accept one peering and wire the accepter VPC to Atlas. */
export interface PeerSideRequest {
  /** The change this acceptance belongs to: it names the STS session, so CloudTrail shows which change. */
  changeId: string;
  accountId: string;
  account: AccepterAccount;
  pcxId: string;
  /** The accepter VPC's region in AWS form (`us-east-1`). */
  region: string;
  /** The accepter VPC Atlas peers with, when known: the describe must show the same one. */
  vpcId?: string;
  /** Atlas's CIDR: the routes' destination and the security group rules' source. */
  atlasCidrBlock: string;
}

/** What the change knows of the Atlas side (the AWS peer as Atlas returned it, and its container). */
export interface AtlasPeerFacts {
  changeId: string;
  statusName?: string | undefined;
  connectionId?: string | undefined;
  awsAccountId?: string | undefined;
  vpcId?: string | undefined;
  /** Atlas's `accepterRegionName`: null when the VPC is in the container's region. */
  accepterRegionName?: string | null | undefined;
  container?: { regionName?: string | undefined; atlasCidrBlock?: string | undefined } | undefined;
}

/** Why the gateway does not act on the peer's side (a note for the history, not an error). */
export type NotOnPeerSide =
  | "not-pending-acceptance"
  | "no-connection-id"
  | "account-not-configured"
  | "region-unknown"
  | "atlas-cidr-unknown";

const PCX = /^pcx-[0-9a-f]{8,17}$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * The accepter VPC's region in AWS form: Atlas's `accepterRegionName` (AWS form, or Atlas's `US_EAST_1` form),
 * else, when it is null or absent, the container's region. Undefined when neither is a region.
 *
 * @example accepterRegion(null, "US_EAST_1") // "us-east-1"
 * @example accepterRegion("eu-west-2", "US_EAST_1") // "eu-west-2"
 */
export function accepterRegion(
  accepterRegionName: string | null | undefined,
  containerRegionName: string | undefined,
): string | undefined {
  if (typeof accepterRegionName === "string" && accepterRegionName !== "")
    return awsRegion(accepterRegionName);
  return awsRegion(containerRegionName);
}

/**
 * The request for the peer's side, or why there is none. Pure: the re-check path calls it with what Atlas
 * answered and the configured accounts, and hands a request to the PeerAccountSide port.
 *
 * @example peerSideRequest({ changeId, statusName: "PENDING_ACCEPTANCE", connectionId: "pcx-0a1b2c3d4e5f60718",
 *   awsAccountId: "111122223333", accepterRegionName: null, container: { regionName: "US_EAST_1",
 *   atlasCidrBlock: "192.168.248.0/21" } }, accounts) // { ok: true, request: { region: "us-east-1", … } }
 */
export function peerSideRequest(
  facts: AtlasPeerFacts,
  accounts: AccepterAccounts,
): { ok: true; request: PeerSideRequest } | { ok: false; reason: NotOnPeerSide } {
  if (facts.statusName !== "PENDING_ACCEPTANCE") return { ok: false, reason: "not-pending-acceptance" };
  const pcxId = facts.connectionId;
  if (pcxId === undefined || !PCX.test(pcxId)) return { ok: false, reason: "no-connection-id" };
  const account = facts.awsAccountId === undefined ? undefined : accounts.get(facts.awsAccountId);
  if (account === undefined || facts.awsAccountId === undefined)
    return { ok: false, reason: "account-not-configured" };
  const region = accepterRegion(facts.accepterRegionName, facts.container?.regionName);
  if (region === undefined) return { ok: false, reason: "region-unknown" };
  const atlasCidrBlock = facts.container?.atlasCidrBlock;
  if (atlasCidrBlock === undefined || !CIDR.test(atlasCidrBlock))
    return { ok: false, reason: "atlas-cidr-unknown" };
  const request: PeerSideRequest = {
    changeId: facts.changeId,
    accountId: facts.awsAccountId,
    account,
    pcxId,
    region,
    atlasCidrBlock,
    ...(facts.vpcId === undefined ? {} : { vpcId: facts.vpcId }),
  };
  return { ok: true, request };
}
