/**
 * The in-memory cloud of the EC2/STS emulator: accounts' VPCs, route tables, security groups, VPC peering
 * connections and the IAM roles STS lets the gateway assume. Resources belong to one account and region;
 * a caller sees only its own (and a peering it is the accepter or requester of, in that VPC's region).
 */
import { randomBytes } from "node:crypto";

export interface Vpc {
  id: string;
  accountId: string;
  region: string;
  cidr: string;
  /** DNS hostnames (and resolution): AWS requires both for the peering DNS option. */
  dnsHostnames: boolean;
}

export interface Route {
  destinationCidrBlock: string;
  vpcPeeringConnectionId?: string;
  gatewayId?: string;
}

export interface RouteTable {
  id: string;
  vpcId: string;
  main: boolean;
  routes: Route[];
}

export interface IngressRule {
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  cidr: string;
  ruleId: string;
}

export interface SecurityGroup {
  id: string;
  vpcId: string;
  name: string;
  ingress: IngressRule[];
}

export interface PeeringSide {
  ownerId: string;
  vpcId: string;
  region: string;
  cidr: string;
}

export interface Peering {
  id: string;
  requester: PeeringSide;
  accepter: PeeringSide;
  /** As stored; a pending request read past its expiration time reads `expired`. */
  status: "pending-acceptance" | "provisioning" | "active" | "rejected" | "failed" | "deleted";
  expirationTime: Date;
  acceptedAt?: number;
  accepterDns: boolean;
}

/** A role the gateway may assume: its ExternalId, and the EC2 actions its policy lacks (UnauthorizedOperation). */
export interface Role {
  roleArn: string;
  externalId: string;
  deniedActions?: readonly string[];
}

/** Who CloudTrail names as a call's caller (its `userIdentity`). */
export interface Identity {
  type: "AssumedRole" | "IAMUser";
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` or `arn:aws:iam::<account>:user/<name>`. */
  arn: string;
  principalId: string;
}

/** Who signed an EC2 request: credentials STS issued for a role, or a person's own access key. */
export interface Session {
  accountId: string;
  /** The role an STS session runs as; absent for a person's own key. */
  roleArn?: string;
  identity: Identity;
  deniedActions: ReadonlySet<string>;
  sessionName: string;
}

/** AWS keeps a peering request 7 days, then it expires. */
export const PEERING_REQUEST_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export const hexId = (prefix: string) => `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;

export class Cloud {
  readonly vpcs = new Map<string, Vpc>();
  readonly routeTables = new Map<string, RouteTable>();
  readonly groups = new Map<string, SecurityGroup>();
  readonly peerings = new Map<string, Peering>();
  readonly roles = new Map<string, Role>();
  readonly sessions = new Map<string, Session>();

  constructor(
    readonly now: () => number,
    /** How long an accepted peering stays `provisioning` before it reads `active`. */
    readonly provisioningMs: number,
  ) {}

  /** The status as a reader sees it now (pending past its expiry: `expired`; provisioned: `active`). */
  statusOf(peering: Peering): string {
    if (peering.status === "pending-acceptance" && peering.expirationTime.getTime() <= this.now())
      return "expired";
    if (peering.status === "provisioning" && this.now() - (peering.acceptedAt ?? 0) >= this.provisioningMs)
      return "active";
    return peering.status;
  }

  /** A route whose peering does not carry traffic is a blackhole, as AWS shows it. */
  routeState(route: Route): "active" | "blackhole" {
    if (route.vpcPeeringConnectionId === undefined) return "active";
    const peering = this.peerings.get(route.vpcPeeringConnectionId);
    const status = peering === undefined ? "deleted" : this.statusOf(peering);
    return status === "active" || status === "provisioning" ? "active" : "blackhole";
  }

  vpcOf(vpcId: string): Vpc | undefined {
    return this.vpcs.get(vpcId);
  }

  /** Whether `accountId` in `region` owns the VPC. */
  owns(vpcId: string, accountId: string, region: string): boolean {
    const vpc = this.vpcs.get(vpcId);
    return vpc !== undefined && vpc.accountId === accountId && vpc.region === region;
  }

  /** A peering visible to `accountId` in `region` (as accepter or requester, in that side's region). */
  visiblePeering(id: string, accountId: string, region: string): Peering | undefined {
    const peering = this.peerings.get(id);
    if (peering === undefined) return undefined;
    const sides = [peering.accepter, peering.requester];
    return sides.some((side) => side.ownerId === accountId && side.region === region) ? peering : undefined;
  }
}
