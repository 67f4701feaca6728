import { type Cloud, hexId, PEERING_REQUEST_LIFETIME_MS, type Peering, type Route } from "./model.js";

/** A VPC to create, with its main route table and default security group. */
export interface VpcFixture {
  accountId: string;
  region: string;
  cidr: string;
  vpcId?: string;
  /** Default true; false makes the DNS option fail as AWS does (DnsHostnamesDisabled). */
  dnsHostnames?: boolean;
}

/** A peering request Atlas made to a VPC of the emulator, pending acceptance. */
export interface PendingPeeringFixture {
  pcxId?: string;
  requester: { ownerId: string; vpcId: string; region: string; cidr: string };
  accepterVpcId: string;
  /** Epoch ms, default now: the request expires 7 days later. */
  createdAt?: number;
}

export function addVpc(
  cloud: Cloud,
  fixture: VpcFixture,
): { vpcId: string; mainRouteTableId: string; defaultGroupId: string } {
  const vpcId = fixture.vpcId ?? hexId("vpc");
  const { accountId, region, cidr } = fixture;
  cloud.vpcs.set(vpcId, { id: vpcId, accountId, region, cidr, dnsHostnames: fixture.dnsHostnames ?? true });
  const mainRouteTableId = hexId("rtb");
  const local = { destinationCidrBlock: cidr, gatewayId: "local" };
  cloud.routeTables.set(mainRouteTableId, { id: mainRouteTableId, vpcId, main: true, routes: [local] });
  return { vpcId, mainRouteTableId, defaultGroupId: addSecurityGroup(cloud, vpcId, "default") };
}

/** A non-main route table of the VPC, with its local route and `routes` (a route to a gone pcx is a blackhole). */
export function addRouteTable(cloud: Cloud, vpcId: string, routes: Route[] = []): string {
  const id = hexId("rtb");
  const local = { destinationCidrBlock: cloud.vpcOf(vpcId)?.cidr ?? "10.0.0.0/16", gatewayId: "local" };
  cloud.routeTables.set(id, { id, vpcId, main: false, routes: [local, ...routes] });
  return id;
}

export function addSecurityGroup(cloud: Cloud, vpcId: string, name: string): string {
  const id = hexId("sg");
  cloud.groups.set(id, { id, vpcId, name, ingress: [] });
  return id;
}

export function addPendingPeering(cloud: Cloud, fixture: PendingPeeringFixture): Peering {
  const vpc = cloud.vpcOf(fixture.accepterVpcId);
  if (vpc === undefined) throw new Error(`No VPC ${fixture.accepterVpcId}: add it first`);
  const createdAt = fixture.createdAt ?? cloud.now();
  const peering: Peering = {
    id: fixture.pcxId ?? hexId("pcx"),
    requester: fixture.requester,
    accepter: { ownerId: vpc.accountId, vpcId: vpc.id, region: vpc.region, cidr: vpc.cidr },
    status: "pending-acceptance",
    expirationTime: new Date(createdAt + PEERING_REQUEST_LIFETIME_MS),
    accepterDns: false,
  };
  cloud.peerings.set(peering.id, peering);
  return peering;
}

/** A person's own access key (an IAM user): EC2 calls signed with it run as that user, with every permission. */
export interface UserFixture {
  accessKeyId: string;
  accountId: string;
  userName: string;
}

export function addUser(cloud: Cloud, user: UserFixture): void {
  cloud.sessions.set(user.accessKeyId, {
    accountId: user.accountId,
    identity: {
      type: "IAMUser",
      arn: `arn:aws:iam::${user.accountId}:user/${user.userName}`,
      principalId: `AIDA${user.accessKeyId.slice(4)}`,
    },
    deniedActions: new Set(),
    sessionName: user.userName,
  });
}
