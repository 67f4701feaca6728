/**
 * A sentence a platform engineer can act on for every change that ended FAILED, REJECTED or TIMED_OUT, and for
 * the gateway's refusals. One table, keyed by Atlas's `errorCode` (docs/atlas-api.md §2.2, Atlas's api-errors
 * page), the AWS `errorStateName`, the kind of Azure/GCP failure text, the peer's status and the gateway's codes.
 * As Terraform's PR #2766 replaced "unexpected state 'FAILED' … %!s(<nil>)", an unknown code still gets one.
 */
import { ATLAS_AZURE_PEERING_APP } from "../peering/providers/azure.js";
import { awsAccepterRegion, setting } from "../peering/providers/observed.js";
import type { ChangeState } from "../peering/status.js";
import type { ChangeRecord } from "./ChangeRecord.js";
import { desiredSettings, type NextActionSource } from "./nextAction.js";

/** What a remediation reads of a change. */
export type RemediationSource = NextActionSource &
  Pick<ChangeRecord, "state" | "groupId" | "peerId"> &
  Partial<Pick<ChangeRecord, "history">>;

/** What a sentence may name; unknown values read as a description in parentheses. */
interface Facts {
  /** The code as Atlas or the gateway gave it (`OVERLAPPING_CIDR_BLOCK`, `REJECTED`, `HTTP 403`). */
  code: string;
  text: string; // Atlas's failure text: Azure `errorState`, GCP `errorMessage`, else `detail`
  provider: string;
  peerId: string;
  groupId: string;
  /** A setting of the peer (Atlas's answer, else the body), or `(what)`. */
  v(field: string, what: string): string;
  region: string;
  atlasCidr: string;
  from: ChangeState | undefined; // the state a TIMED_OUT change was in when its deadline passed
}

type Sentence = (f: Facts) => string;

const AGAIN = "then send the change again";
const REINITIATE = "send the change again with both awsAccountId and vpcId (Atlas then makes a new request)";
/** What Atlas needs on the customer's Azure side (MongoDB's peering prerequisites), as a clause. */
const sp = (f: Facts) =>
  `Atlas's peering service principal (application ${ATLAS_AZURE_PEERING_APP}) exists in directory ` +
  `${f.v("azureDirectoryId", "your directory")} and holds the AtlasPeering role (virtualNetworkPeerings ` +
  `read/write/delete, virtualNetworks/peer) on VNet ${f.v("vnetName", "your VNet")} in resource group ` +
  `${f.v("resourceGroupName", "your resource group")}, subscription ${f.v("azureSubscriptionId", "your subscription")}`;
const awsWhere = (f: Facts) =>
  `VPC ${f.v("vpcId", "your VPC")} in AWS account ${f.v("awsAccountId", "your account")}, region ${f.region}`;
const peered = (f: Facts) =>
  ({ AZURE: `VNet ${f.v("vnetName", "asked for")}`, GCP: `network ${f.v("networkName", "asked for")}` })[
    f.provider
  ] ?? awsWhere(f);
const alreadyPeered: Sentence = (f) =>
  `The project already peers with ${peered(f)}: change that peering instead, or delete it first, ${AGAIN}.`;
/** INVALID_ATTRIBUTE, and CANNOT_MODIFY_PEER (named in issue 11, not in Atlas's published list). */
const immutable: Sentence = (f) =>
  `Atlas does not accept a field of this PATCH as a change (${f.v("attribute", "see atlas.detail")}): AZURE ` +
  "and GCP network fields and containerId cannot change in place, so delete the peering and create a new " +
  "one with the new values; otherwise send only fields of the peer's own provider.";

/** The table. Keys: Atlas errorCodes, `AWS_<errorStateName>`, `AZURE_…`/`GCP_…` text kinds, `STATUS_<status>`. */
const REMEDIATIONS: Readonly<Record<string, Sentence>> = {
  OVERLAPPING_CIDR_BLOCK: (f) =>
    `The CIDR ${f.v("routeTableCidrBlock", "asked for")} overlaps another peering of project ${f.groupId}: use a ` +
    `block no other peer of the project routes to (list them with GET /groups/${f.groupId}/peers), or remove ` +
    `the peering that holds it first, ${AGAIN}.`,
  OVERLAPPING_ATLAS_CIDR_BLOCK: (f) =>
    `The CIDR ${f.v("routeTableCidrBlock", "asked for")} overlaps Atlas's own CIDR ${f.atlasCidr}: peer a VPC ` +
    `(or subnet) whose range is clear of it, ${AGAIN}.`,
  INVALID_ROUTE_TABLE_CIDR: () =>
    "routeTableCidrBlock must be a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16: send your " +
    "VPC's RFC 1918 CIDR, or one of its subnets.",
  INVALID_CIDR_BLOCK: () =>
    "routeTableCidrBlock must be an IPv4 CIDR without host bits (10.9.0.0/21, not 10.9.1.0/21): correct it and " +
    "send the change again.",
  PEER_INVALID_STATE: (f) =>
    `Atlas will not change peer ${f.peerId} in its current state (still being set up, or being deleted): wait ` +
    `until it shows AVAILABLE, PENDING_ACCEPTANCE or FAILED, ${AGAIN}.`,
  PEER_ALREADY_REQUESTED_DELETION: (f) =>
    `Peer ${f.peerId} is being deleted, so it cannot be changed: create a new peering with these settings once ` +
    "the deletion has finished.",
  PEER_ALREADY_EXISTS: alreadyPeered,
  PEER_ALREADY_EXISTS_GCP: alreadyPeered,
  PEER_ALREADY_EXISTS_AZURE: alreadyPeered,
  PEER_MAXIMUM_REACHED: (f) =>
    `Project ${f.groupId} has as many peering connections as Atlas allows: delete one it no longer needs (or ` +
    `ask MongoDB support to raise the limit), ${AGAIN}.`,
  NOT_IN_PRIVATE_IP_MODE: (f) =>
    `This peering needs private IP mode ("connect via peering only") on project ${f.groupId}: turn it on in ` +
    `Atlas's Network Access settings, ${AGAIN}.`,
  AZURE_CUSTOMER_NETWORK_UNREACHABLE: (f) =>
    `Atlas could not reach your Azure subscription: check that ${sp(f)}, with every name spelled exactly, ${AGAIN}.`,
  INVALID_ATTRIBUTE: immutable,
  CANNOT_MODIFY_PEER: immutable,
  ATTRIBUTE_READ_ONLY: () =>
    "The body carries a read-only field (id, connectionId, statusName, errorStateName, status, errorState, " +
    "errorMessage): leave it out and send the change again.",
  INVALID_PROVIDER: (f) =>
    `providerName must be AWS, AZURE or GCP and match peer ${f.peerId}'s provider: correct it, ${AGAIN}.`,
  PEER_NOT_FOUND: (f) =>
    `Peer ${f.peerId} no longer exists in project ${f.groupId} (deleted outside the gateway, or a wrong id): ` +
    "list the project's peers, and create the peering again if it is still needed.",
  GROUP_NOT_FOUND: (f) =>
    `Atlas has no project ${f.groupId} visible to the gateway's key: check the id, and that the key belongs to ` +
    `the project's organisation, ${AGAIN}.`,
  SETTINGS_NOT_APPLIED: () =>
    "The peer settled without the settings asked (atlas.detail names each): someone changed it outside the " +
    "gateway mid-way, or Atlas lost the change. Read the peer, decide which settings are right, and send the " +
    "change again.",
  "change-not-updatable": () =>
    "Atlas cannot change these fields of an existing peering in place: delete the peering and create a new one " +
    "with the new values (Terraform replaces it the same way), or send the change without them.",
  AWS_REJECTED: (f) =>
    `The VPC peering request was rejected on the AWS side (${awsWhere(f)}); a rejected request cannot be ` +
    `accepted later, so ${REINITIATE} and accept that one.`,
  AWS_EXPIRED: (f) => awsExpired(f),
  // The gateway's clock saw the request lapse before Atlas reported EXPIRED (expiry.ts): the same way out.
  PEERING_REQUEST_EXPIRED: (f) => awsExpired(f),
  AWS_FAILED: (f) =>
    `AWS could not create the VPC peering connection: check that ${awsWhere(f)} exists and that its CIDR does ` +
    `not overlap Atlas's ${f.atlasCidr}, then ${REINITIATE}.`,
  AWS_INVALID_ARGUMENT: (f) =>
    `AWS refused the peering request's arguments: check that ${awsWhere(f)} exists (accepterRegionName is the ` +
    `VPC's region), then ${REINITIATE}.`,
  AZURE_OVERLAP: (f) =>
    `Azure reported "${f.text}": the address space of VNet ${f.v("vnetName", "your VNet")} overlaps Atlas's ` +
    `CIDR ${f.atlasCidr} or another peering of the VNet; make the ranges disjoint, ${AGAIN}.`,
  AZURE_NOT_AUTHORIZED: (f) => `Azure reported "${f.text}": make sure that ${sp(f)}, ${AGAIN}.`,
  AZURE_NOT_FOUND: (f) =>
    `Azure reported "${f.text}": check that VNet ${f.v("vnetName", "your VNet")} exists in resource group ` +
    `${f.v("resourceGroupName", "your resource group")} of subscription ` +
    `${f.v("azureSubscriptionId", "your subscription")}, ${AGAIN}.`,
  AZURE_ERROR: (f) => `Azure reported "${f.text}": check first that ${sp(f)}, ${AGAIN}.`,
  GCP_OVERLAP: (f) =>
    `GCP reported "${f.text}": a subnet of network ${f.v("networkName", "your network")} overlaps Atlas's CIDR ` +
    `${f.atlasCidr}; move it, ${AGAIN}.`,
  GCP_NOT_FOUND: (f) =>
    `GCP reported "${f.text}": check that network ${f.v("networkName", "your network")} exists in project ` +
    `${f.v("gcpProjectId", "your project")}, ${AGAIN}.`,
  GCP_LIMIT: (f) =>
    `GCP reported "${f.text}": network ${f.v("networkName", "your network")} has reached a peering quota; ` +
    `remove a peering it no longer needs or raise the quota, ${AGAIN}.`,
  GCP_ERROR: (f) =>
    `GCP reported "${f.text}": check the peerings of network ${f.v("networkName", "your network")} in project ` +
    `${f.v("gcpProjectId", "your project")} (gcloud compute networks peerings list), ${AGAIN}.`,
  STATUS_FAILED: (f) =>
    `Atlas reports the ${f.provider} peering FAILED without a reason: ` +
    (f.provider === "AZURE"
      ? `check that ${sp(f)}`
      : "check it in Atlas (Network Access → Peering) and on your cloud side") +
    `, ${AGAIN}; if it fails again, open a MongoDB support case naming peer ${f.peerId}.`,
  STATUS_TERMINATING: (f) =>
    `Peer ${f.peerId} is being deleted (${f.code}), outside this change: if the peering is still needed, ` +
    "create it again once the deletion has finished.",
  STATUS_DELETION_FAILED: (f) =>
    `Atlas could not delete peer ${f.peerId}: remove the peering from your VNet's side, delete it in Atlas ` +
    "again, and open a MongoDB support case if it stays.",
  TIMED_OUT: (f) => timedOut(f),
};

function awsExpired(f: Facts): string {
  return (
    `Nobody accepted the VPC peering request within AWS's 7 days (${awsWhere(f)}): ${REINITIATE} and accept ` +
    "it within a week."
  );
}

/** TIMED_OUT says what was still missing when the deadline passed, by the state the change was in. */
function timedOut(f: Facts): string {
  if (f.from === "WAITING_FOR_USER") {
    const aws = f.provider === "AWS" ? " (AWS expires an unaccepted request after 7 days)" : "";
    return (
      `Nobody completed the cloud-side step before the deadline${aws}: send the change again and complete ` +
      "the next action it shows within the week."
    );
  }
  if (f.from === "RETRYING")
    return (
      `Atlas never took the PATCH before the deadline (last answer: ${f.code}): check Atlas's status and the ` +
      `gateway's keys and API access list (the AtlasCredentialsRefused alarm), ${AGAIN}.`
    );
  return (
    `Atlas was still working on peer ${f.peerId} at the deadline: check it in Atlas (Network Access → Peering); ` +
    `if it is stuck, open a MongoDB support case naming the peer, ${AGAIN}.`
  );
}

/** A code the table does not know: say what it is and where to look, naming it. */
const general: Sentence = (f) =>
  `Atlas reported ${f.code}${f.text && f.text !== f.code ? ` ("${f.text}")` : ""}, which the gateway has no ` +
  "specific advice for: look it up in Atlas's error list (https://www.mongodb.com/docs/atlas/reference/api-errors/), " +
  `fix what it names, ${AGAIN}.`;

/** Which sentences free failure text picks, first match wins; the provider's `_ERROR` sentence otherwise. */
const TEXT_KINDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/overlap|address space/i, "OVERLAP"],
  [/authori[sz]|permission|forbidden|access denied|principal|role/i, "NOT_AUTHORIZED"],
  [/not ?found|does not exist|could not be found/i, "NOT_FOUND"],
  [/quota|limit|maximum/i, "LIMIT"],
];

const NO_CHANGE = { state: "REJECTED", provider: "AWS", groupId: "", peerId: "", desired: "{}" } as const;
const FAILURES: ReadonlySet<ChangeState> = new Set(["FAILED", "REJECTED", "TIMED_OUT"]);
const PEER_GONE = new Set(["TERMINATING", "DELETING"]);

/** The remediation of a change that ended badly; undefined for any other state. */
export function remediation(change: RemediationSource): string | undefined {
  if (!FAILURES.has(change.state)) return undefined;
  const { key, code } = keyOf(change);
  return sentence(key)(factsOf(change, code));
}

/** The remediation of one of the gateway's own refusal codes (`change-not-updatable`), or the general one. */
export function refusalRemediation(code: string): string {
  // A refusal comes before any change exists: its sentence names nothing of one.
  return sentence(code)(factsOf({ ...NO_CHANGE, atlas: {} }, code));
}

/** The table's sentence for `key` (own keys only: an Atlas code is text, `constructor` included), or the general one. */
function sentence(key: string): Sentence {
  return (Object.hasOwn(REMEDIATIONS, key) ? REMEDIATIONS[key] : undefined) ?? general;
}

/** The table key a change's failure picks, and the code as shown to a person. */
function keyOf(change: RemediationSource): { key: string; code: string } {
  const { errorCode, error, status, httpStatus } = change.atlas;
  const last = errorCode ?? error ?? (httpStatus ? `HTTP ${httpStatus}` : "no answer");
  if (change.state === "TIMED_OUT") return { key: "TIMED_OUT", code: last };
  if (errorCode) return { key: errorCode, code: errorCode };
  if (error && change.provider === "AWS") return { key: `AWS_${error}`, code: error };
  if (error) return { key: textKind(change.provider, error), code: error };
  if (status && PEER_GONE.has(status)) return { key: "STATUS_TERMINATING", code: status };
  if (status) return { key: `STATUS_${status}`, code: status };
  return { key: "", code: httpStatus ? `HTTP ${httpStatus} without an error code` : change.state };
}

function textKind(provider: string, text: string): string {
  const kind = TEXT_KINDS.find(([pattern]) => pattern.test(text))?.[1] ?? "ERROR";
  const key = `${provider}_${kind}`;
  return Object.hasOwn(REMEDIATIONS, key) ? key : `${provider}_ERROR`;
}

function factsOf(change: RemediationSource, code: string): Facts {
  const input = { atlas: change.atlas, ...(change.container ? { container: change.container } : {}) };
  const desired = desiredSettings(change.desired);
  // The attribute INVALID_ATTRIBUTE's "Invalid attribute %s specified." names.
  const attribute = /attribute (\S+) specified/i.exec(change.atlas.detail ?? "")?.[1];
  return {
    code,
    text: change.atlas.error ?? change.atlas.detail ?? code,
    provider: change.provider,
    peerId: change.peerId,
    groupId: change.groupId,
    v: (field, what) => (field === "attribute" ? attribute : setting(input, desired, field)) ?? `(${what})`,
    region: awsAccepterRegion(input, desired) ?? "(the Atlas container's region)",
    atlasCidr: change.container?.atlasCidrBlock ?? "(the Atlas container's atlasCidrBlock)",
    from: change.history?.at(-1)?.from ?? undefined,
  };
}
