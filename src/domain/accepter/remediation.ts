/**
 * A sentence an engineer of the accepter account can act on for every AWS error the peer-side steps can
 * meet, and for every reason a peering cannot be accepted. One table keyed by the AWS error code (the SDK's
 * exception `name`); an unknown code still gets a sentence naming it and the call.
 */
import type { CannotAccept } from "./plan.js";
import type { PeerSideRequest } from "./request.js";

/** The EC2 calls of the peer-side steps: what deploy/accepter-role.yml grants, and nothing more. */
export const PEER_SIDE_EC2_ACTIONS = [
  "DescribeVpcPeeringConnections",
  "AcceptVpcPeeringConnection",
  "DescribeRouteTables",
  "CreateRoute",
  "ReplaceRoute",
  "ModifyVpcPeeringConnectionOptions",
  "DescribeSecurityGroups",
  "AuthorizeSecurityGroupIngress",
] as const;

/** The AWS calls of the peer-side steps, by their API names (the IAM action is `<service>:<name>`). */
export type PeerSideAction = "AssumeRole" | (typeof PEER_SIDE_EC2_ACTIONS)[number];

/** An AWS error on one call: the code, the call and the resource it was about (`rtb-…`, `sg-…`). */
export interface PeerSideFailure {
  action: PeerSideAction;
  code: string;
  target?: string | undefined;
}

type Sentence = (r: PeerSideRequest, f: PeerSideFailure) => string;

const TEMPLATE = "deploy/accepter-role.yml";
/** The IAM action the call needs. */
export const iamAction = (action: PeerSideAction): string =>
  `${action === "AssumeRole" ? "sts" : "ec2"}:${action}`;
const role = (r: PeerSideRequest) => `role ${r.account.roleArn}`;
const where = (r: PeerSideRequest) => `account ${r.accountId}, region ${r.region}`;

/** The ExternalId itself is never named: not a secret to AWS, but no business of a change's callers. */
const denied: Sentence = (r, f) =>
  f.action === "AssumeRole"
    ? `STS refused to let the gateway assume ${role(r)}: the role's trust policy must name the gateway's role ` +
      "as principal and require the gateway's sts:ExternalId (the ExternalId parameter of its " +
      `${TEMPLATE} stack must equal awsAccounts.${r.accountId}.externalId); update one of them, then re-check.`
    : `${role(r)} lacks ${iamAction(f.action)}${f.target === undefined ? "" : ` on ${f.target}`}: deploy ` +
      `${TEMPLATE} (or add that permission, scoped as it does) in ${where(r)}, then re-check.`;

const ALREADY_FINE = (what: string) => () => `${what}: nothing to do.`;

const TABLE: Readonly<Record<string, Sentence>> = {
  AccessDenied: denied,
  AccessDeniedException: denied,
  UnauthorizedOperation: denied,
  InvalidClientTokenId: (r) =>
    `STS did not recognise the gateway's own credentials when assuming ${role(r)}: check the gateway's ` +
    "execution role and its STS endpoint, then re-check.",
  RegionDisabledException: (r) =>
    `STS is not enabled in the gateway's region for ${where(r)}: activate the region's STS endpoint in IAM ` +
    "account settings, then re-check.",
  "InvalidVpcPeeringConnectionID.NotFound": (r) =>
    `No peering ${r.pcxId} is visible in ${where(r)}: it may have expired or been deleted, or it waits in ` +
    "another region (accepterRegionName); check the peer in Atlas, and send the change again if Atlas made a " +
    "new request.",
  "InvalidVpcPeeringConnectionId.Malformed": (r) =>
    `Atlas's connection id ${r.pcxId} is not a peering id AWS accepts: re-read the peer in Atlas.`,
  InvalidStateTransition: (r) =>
    `Peering ${r.pcxId} is no longer pending acceptance (already accepted, or expired, rejected or failed): ` +
    "the verify step shows which; if it expired, send the change again so Atlas makes a new request.",
  OperationNotPermitted: (r, f) =>
    `AWS does not allow ${f.action} on ${f.target ?? r.pcxId} in ${where(r)}: the peering must be owned by ` +
    `this account's VPC and, for DNS options, be active with DNS hostnames enabled; re-check once it is.`,
  VpcPeeringConnectionAlreadyExists: (r) =>
    `Another peering between the same VPCs already exists in ${where(r)}: delete the older one (or its Atlas ` +
    "peer), then send the change again.",
  RouteAlreadyExists: ALREADY_FINE("The route already exists (it was replaced to point at the peering)"),
  "InvalidRoute.NotFound": (r, f) =>
    `The route to ${r.atlasCidrBlock} vanished from ${f.target ?? "the route table"} while it was being ` +
    "replaced: re-check to create it.",
  "InvalidRouteTableID.NotFound": (r, f) =>
    `Route table ${f.target ?? "(named)"} does not exist in ${where(r)}: correct ` +
    `awsAccounts.${r.accountId}.routeTableIds (or use "all"), then re-check.`,
  "InvalidGroup.NotFound": (r, f) =>
    `Security group ${f.target ?? "(named)"} does not exist in ${where(r)}: correct ` +
    `awsAccounts.${r.accountId}.securityGroupIds, then re-check.`,
  "InvalidPermission.Duplicate": ALREADY_FINE("The security group already allows tcp 27015-27017 from Atlas"),
  RulesPerSecurityGroupLimitExceeded: (r, f) =>
    `Security group ${f.target ?? ""} is at its rules limit: remove an unused rule or raise the quota in ` +
    `${where(r)}, then re-check.`,
  RouteLimitExceeded: (r, f) =>
    `Route table ${f.target ?? ""} is at its routes limit: remove an unused route or raise the quota in ` +
    `${where(r)}, then re-check.`,
  "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled": (r) =>
    `DNS resolution over ${r.pcxId} needs DNS hostnames and DNS resolution enabled on the accepter VPC: ` +
    "enable both (ModifyVpcAttribute), then re-check.",
  RequestLimitExceeded: (r) => `AWS throttled the calls in ${where(r)}: the next re-check tries again.`,
  Throttling: (r) => `AWS throttled the calls in ${where(r)}: the next re-check tries again.`,
};

/** Codes that mean the step's goal already holds. */
const BENIGN = new Set(["InvalidPermission.Duplicate"]);
/** Codes (and SDK failures without a code) that a later re-check may get past by itself. */
const RETRYABLE = new Set([
  // Not pending any more: the next run's describe tells accepted (and goes on) from expired or rejected.
  "InvalidStateTransition",
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "InternalError",
  "ServiceUnavailable",
  "Unavailable",
  "InternalFailure",
  "network",
]);

/** The remediation sentence of one failed call. */
export function peerSideRemediation(request: PeerSideRequest, failure: PeerSideFailure): string {
  const sentence = TABLE[failure.code];
  if (sentence !== undefined) return sentence(request, failure);
  return (
    `AWS answered ${failure.code} to ${failure.action}${failure.target === undefined ? "" : ` on ${failure.target}`} ` +
    `in ${where(request)}: see the AWS error in the change's history, fix it, then re-check.`
  );
}

/** The step's goal holds despite the error (a rule that already exists). */
export const isBenignFailure = (failure: PeerSideFailure): boolean => BENIGN.has(failure.code);
/** The error may pass by itself (throttling, AWS 5xx, the network): retry later rather than fail the change. */
export const isRetryableFailure = (failure: PeerSideFailure): boolean => RETRYABLE.has(failure.code);

const CANNOT: Readonly<Record<CannotAccept, (r: PeerSideRequest, status?: string) => string>> = {
  "not-found": (r) =>
    TABLE["InvalidVpcPeeringConnectionID.NotFound"]?.(r, {
      action: "DescribeVpcPeeringConnections",
      code: "",
    }) ?? "",
  expired: (r) =>
    `Peering request ${r.pcxId} expired (AWS keeps a request 7 days): send the change again with awsAccountId ` +
    "and vpcId so Atlas makes a new request, which the gateway then accepts.",
  rejected: (r) =>
    `Peering request ${r.pcxId} was rejected in ${where(r)}: send the change again so Atlas makes a new request.`,
  failed: (r) =>
    `Peering request ${r.pcxId} failed on AWS's side (often overlapping CIDRs): check the VPC's CIDR against ` +
    `Atlas's ${r.atlasCidrBlock}, then send the change again.`,
  deleted: (r) => `Peering ${r.pcxId} was deleted: send the change again so Atlas makes a new request.`,
  "not-yet-requested": (r) =>
    `Peering ${r.pcxId} is still being requested by Atlas: the next re-check accepts it.`,
  "other-account": (r) =>
    `Peering ${r.pcxId} is not addressed to account ${r.accountId}: the gateway accepts only requests to the ` +
    "account Atlas names as awsAccountId; check the peer's awsAccountId in Atlas.",
  "other-vpc": (r) =>
    `Peering ${r.pcxId} targets another VPC than ${r.vpcId ?? "the one Atlas names"}: the gateway does not ` +
    "accept it; check the peer's vpcId in Atlas.",
};

/** The remediation sentence for a peering the gateway cannot accept. */
export function cannotAcceptRemediation(request: PeerSideRequest, reason: CannotAccept): string {
  return CANNOT[reason](request);
}
