/**
 * What to do on the peer's side, decided from what the describe calls returned: accept (or why not), each
 * route table's route to Atlas's CIDR, the accepter DNS option and each security group's rule. Pure, so the
 * same plan is made again after the writes to verify them.
 */
import type { PeerSideRequest } from "./request.js";

/** A VPC peering connection as DescribeVpcPeeringConnections returned it (the members the plan reads). */
export interface ObservedPeering {
  id: string;
  /** `pending-acceptance`, `provisioning`, `active`, `expired`, `rejected`, `failed`, `deleted`, … */
  status: string;
  expirationTime?: Date;
  requesterOwnerId?: string;
  accepterOwnerId?: string;
  accepterVpcId?: string;
  accepterDnsResolution?: boolean;
}

/** One route of a route table; `target` is any target other than a peering (igw-…, tgw-…, nat-…). */
export interface ObservedRoute {
  destinationCidrBlock?: string;
  vpcPeeringConnectionId?: string;
  target?: string;
  /** `active` or `blackhole`. */
  state?: string;
}

export interface ObservedRouteTable {
  id: string;
  routes: readonly ObservedRoute[];
}

/** An inbound rule of a security group, with its IPv4 sources. */
export interface ObservedIngressRule {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: readonly string[];
}

export interface ObservedSecurityGroup {
  id: string;
  ingress: readonly ObservedIngressRule[];
}

/** What the describe calls returned; a table or group the account lacks is simply not in its list. */
export interface PeerSideObservation {
  /** Undefined: the accepter region has no such peering (InvalidVpcPeeringConnectionID.NotFound). */
  peering: ObservedPeering | undefined;
  routeTables: readonly ObservedRouteTable[];
  securityGroups: readonly ObservedSecurityGroup[];
}

/** Why a peering cannot be accepted. */
export type CannotAccept =
  | "not-found"
  | "expired"
  | "rejected"
  | "failed"
  | "deleted"
  | "not-yet-requested"
  | "other-account"
  | "other-vpc";

export type AcceptDecision =
  | { kind: "accept" }
  | { kind: "already-accepted"; status: string }
  | { kind: "cannot"; reason: CannotAccept; status?: string };

export type RouteAction =
  | { routeTableId: string; action: "create" }
  | { routeTableId: string; action: "replace"; replaces: string }
  | { routeTableId: string; action: "keep" }
  | { routeTableId: string; action: "missing" };

export type DnsAction = "enable" | "already-enabled" | "not-asked";

export interface GroupAction {
  groupId: string;
  action: "add" | "present" | "missing";
}

export interface PeerSidePlan {
  accept: AcceptDecision;
  routes: RouteAction[];
  dns: DnsAction;
  securityGroups: GroupAction[];
}

/** The ports of the rule the gateway opens from Atlas's CIDR (mongod and mongos of Atlas clusters). */
export const MONGODB_PORTS = { from: 27015, to: 27017 } as const;

/** Statuses after acceptance (the accept answer itself often says `provisioning`). */
const ACCEPTED = new Set(["provisioning", "active"]);
const FINAL: Readonly<Record<string, CannotAccept>> = {
  expired: "expired",
  rejected: "rejected",
  failed: "failed",
  deleted: "deleted",
  deleting: "deleted",
  "initiating-request": "not-yet-requested",
};

/** Which route tables to describe: the named ones, or every one of the accepter VPC. */
export function routeTableQuery(
  request: PeerSideRequest,
  peering: ObservedPeering | undefined,
): { routeTableIds: readonly string[] } | { vpcId: string } | undefined {
  const selection = request.account.routeTableIds;
  if (selection !== "all") return { routeTableIds: selection };
  const vpcId = peering?.accepterVpcId ?? request.vpcId;
  return vpcId === undefined ? undefined : { vpcId };
}

/** The whole plan for `request` given `observed`, at `now` (a pending request past its expiry is expired). */
export function planPeerSide(
  request: PeerSideRequest,
  observed: PeerSideObservation,
  now: Date,
): PeerSidePlan {
  return {
    accept: decideAccept(request, observed.peering, now),
    routes: planRoutes(request, observed.routeTables),
    dns: !request.account.dnsResolution
      ? "not-asked"
      : observed.peering?.accepterDnsResolution === true
        ? "already-enabled"
        : "enable",
    securityGroups: request.account.securityGroupIds.map((groupId) => planGroup(request, observed, groupId)),
  };
}

/** Accept a pending request of this account's VPC; say why not otherwise. */
export function decideAccept(
  request: PeerSideRequest,
  peering: ObservedPeering | undefined,
  now: Date,
): AcceptDecision {
  if (peering === undefined) return { kind: "cannot", reason: "not-found" };
  const { status } = peering;
  if (peering.accepterOwnerId !== undefined && peering.accepterOwnerId !== request.accountId)
    return { kind: "cannot", reason: "other-account", status };
  if (
    request.vpcId !== undefined &&
    peering.accepterVpcId !== undefined &&
    peering.accepterVpcId !== request.vpcId
  )
    return { kind: "cannot", reason: "other-vpc", status };
  if (ACCEPTED.has(status)) return { kind: "already-accepted", status };
  const final = FINAL[status];
  if (final !== undefined) return { kind: "cannot", reason: final, status };
  if (peering.expirationTime !== undefined && peering.expirationTime.getTime() <= now.getTime())
    return { kind: "cannot", reason: "expired", status };
  return { kind: "accept" };
}

function planRoutes(request: PeerSideRequest, tables: readonly ObservedRouteTable[]): RouteAction[] {
  const selection = request.account.routeTableIds;
  const ids = selection === "all" ? tables.map((table) => table.id) : selection;
  return ids.map((routeTableId) => {
    const table = tables.find((candidate) => candidate.id === routeTableId);
    return table === undefined ? { routeTableId, action: "missing" } : planRoute(request, table);
  });
}

/** Keep a live route to this peering; replace one that is a blackhole or goes elsewhere; else create it. */
function planRoute(request: PeerSideRequest, table: ObservedRouteTable): RouteAction {
  const routeTableId = table.id;
  const route = table.routes.find((r) => r.destinationCidrBlock === request.atlasCidrBlock);
  if (route === undefined) return { routeTableId, action: "create" };
  const target = route.vpcPeeringConnectionId ?? route.target ?? "no target";
  if (route.state === "blackhole")
    return { routeTableId, action: "replace", replaces: `blackhole route to ${target}` };
  if (route.vpcPeeringConnectionId === request.pcxId) return { routeTableId, action: "keep" };
  return { routeTableId, action: "replace", replaces: `route to ${target}` };
}

function planGroup(request: PeerSideRequest, observed: PeerSideObservation, groupId: string): GroupAction {
  const group = observed.securityGroups.find((candidate) => candidate.id === groupId);
  if (group === undefined) return { groupId, action: "missing" };
  const covered = group.ingress.some((rule) => coversMongoPorts(rule, request.atlasCidrBlock));
  return { groupId, action: covered ? "present" : "add" };
}

/** A rule that already lets Atlas's CIDR reach 27015-27017 over TCP (`-1` is every protocol and port). */
export function coversMongoPorts(rule: ObservedIngressRule, cidr: string): boolean {
  if (!rule.cidrs.includes(cidr)) return false;
  if (rule.ipProtocol === "-1") return true;
  if (rule.ipProtocol !== "tcp" && rule.ipProtocol !== "6") return false;
  return (rule.fromPort ?? 0) <= MONGODB_PORTS.from && (rule.toPort ?? 65535) >= MONGODB_PORTS.to;
}

/** True when the plan has nothing left to write: what a verify describe expects after the writes. */
export function planIsSettled(plan: PeerSidePlan): boolean {
  return (
    plan.accept.kind === "already-accepted" &&
    plan.routes.every((route) => route.action === "keep") &&
    plan.dns !== "enable" &&
    plan.securityGroups.every((group) => group.action === "present")
  );
}
