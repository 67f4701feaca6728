import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type PeerCloud, startPeerCloud } from "../../local/aws/ec2/server.js";
import { Ec2PeerAccountSide } from "../../src/adapters/aws/peerAccount/Ec2PeerAccountSide.js";
import type { AccepterAccount } from "../../src/domain/accepter/accounts.js";
import type { PeerSideRequest } from "../../src/domain/accepter/request.js";

const ACCOUNT = "111122223333";
const ATLAS_ACCOUNT = "536727724300";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/atlas-peering-accepter`;
const EXTERNAL_ID = "stack-7f3a9c";
const ATLAS_CIDR = "192.168.248.0/21";
const REGION = "us-east-1";
const DAY = 24 * 3600 * 1000;

let clock = Date.parse("2026-12-01T12:00:00Z");
const accepted: string[] = [];
let cloud: PeerCloud;

/** The real adapter, real SDK clients, against the emulator on 127.0.0.1. */
function side(): Ec2PeerAccountSide {
  const gateway = { accessKeyId: "AKIAGATEWAYLOCAL000", secretAccessKey: "gateway-secret-not-shown" };
  return new Ec2PeerAccountSide({
    sts: { endpoint: cloud.url, region: "eu-west-1", credentials: gateway },
    ec2: { endpoint: cloud.url },
    activeWait: { attempts: 3, delayMs: 10 },
    now: () => new Date(clock),
  });
}

function fixture(account: Partial<AccepterAccount> = {}) {
  const vpc = cloud.addVpc({ accountId: ACCOUNT, region: REGION, cidr: "10.8.0.0/21" });
  const peering = cloud.addPendingPeering({
    requester: { ownerId: ATLAS_ACCOUNT, vpcId: "vpc-0aa11bb22cc33dd44", region: REGION, cidr: ATLAS_CIDR },
    accepterVpcId: vpc.vpcId,
    createdAt: clock - DAY,
  });
  const request: PeerSideRequest = {
    changeId: "chg_01JDX3V9Q4",
    accountId: ACCOUNT,
    pcxId: peering.id,
    region: REGION,
    vpcId: vpc.vpcId,
    atlasCidrBlock: ATLAS_CIDR,
    account: {
      roleArn: ROLE,
      externalId: EXTERNAL_ID,
      accept: true,
      routeTableIds: "all",
      dnsResolution: false,
      securityGroupIds: [],
      ...account,
    },
  };
  return { vpc, peering, request };
}

beforeEach(async () => {
  await cloud?.close();
  accepted.length = 0;
  clock = Date.parse("2026-12-01T12:00:00Z");
  cloud = await startPeerCloud({ now: () => clock, onAccepted: (id) => accepted.push(id) });
  cloud.addRole({ roleArn: ROLE, externalId: EXTERNAL_ID });
});
afterAll(async () => {
  await cloud?.close();
});

const routeTo = (tableId: string) =>
  cloud.cloud.routeTables.get(tableId)?.routes.find((r) => r.destinationCidrBlock === ATLAS_CIDR);

describe("Ec2PeerAccountSide against the local EC2/STS emulator", () => {
  it("assumes the role with the ExternalId, accepts, and routes Atlas's CIDR in every route table of the VPC", async () => {
    const { vpc, peering, request } = fixture();
    const second = cloud.addRouteTable(vpc.vpcId);
    const report = await side().acceptAndConnect(request);
    expect(report.outcome).toBe("done");
    expect(report.peeringStatus).toBe("active");
    expect(accepted).toEqual([peering.id]);
    for (const table of [vpc.mainRouteTableId, second])
      expect(routeTo(table)?.vpcPeeringConnectionId).toBe(peering.id);
    const sts = cloud.calls.find((c) => c.action === "AssumeRole");
    expect(sts?.params).toMatchObject({
      RoleArn: ROLE,
      ExternalId: EXTERNAL_ID,
      RoleSessionName: "peering-gateway-chg_01JDX3V9Q4",
    });
    const accept = cloud.calls.find((c) => c.action === "AcceptVpcPeeringConnection");
    expect(accept).toMatchObject({ region: REGION, roleArn: ROLE });
    expect(report.steps.map((s) => s.step)).toEqual([
      "assume-role",
      "describe",
      "accept",
      "route",
      "route",
      "verify",
    ]);
    expect(JSON.stringify(report)).not.toMatch(/SecretAccessKey|SessionToken|gateway-secret|ASIA/);
  });

  it("routes only the named route tables", async () => {
    const { vpc, peering, request } = fixture();
    const named = cloud.addRouteTable(vpc.vpcId);
    const report = await side().acceptAndConnect({
      ...request,
      account: { ...request.account, routeTableIds: [named] },
    });
    expect(report.outcome).toBe("done");
    expect(routeTo(named)?.vpcPeeringConnectionId).toBe(peering.id);
    expect(routeTo(vpc.mainRouteTableId)).toBeUndefined();
  });

  it("replaces a blackhole route, keeps a correct one, and changes nothing on a second run", async () => {
    const { vpc, peering, request } = fixture();
    const stale = cloud.addRouteTable(vpc.vpcId, [
      { destinationCidrBlock: ATLAS_CIDR, vpcPeeringConnectionId: "pcx-0deadbeef0000000" },
    ]);
    const first = await side().acceptAndConnect(request);
    expect(first.outcome).toBe("done");
    expect(first.steps.find((s) => s.target === stale)?.detail).toMatch(
      /replaced blackhole route to pcx-0deadbeef0000000/,
    );
    expect(routeTo(stale)?.vpcPeeringConnectionId).toBe(peering.id);
    const writes = cloud.calls.length;
    const second = await side().acceptAndConnect(request);
    expect(second.outcome).toBe("done");
    expect(second.steps.filter((s) => s.step === "route").map((s) => s.detail)).toEqual([
      `kept route ${ATLAS_CIDR} → ${peering.id}`,
      `kept route ${ATLAS_CIDR} → ${peering.id}`,
    ]);
    expect(second.steps.find((s) => s.step === "accept")?.detail).toMatch(/already accepted/);
    const mutating = cloud.calls.slice(writes).filter((c) => !/^Describe|AssumeRole/.test(c.action));
    expect(mutating).toEqual([]);
  });

  it("enables the accepter DNS option once active, and opens 27015-27017 idempotently", async () => {
    const { vpc, peering, request } = fixture();
    const account = { ...request.account, dnsResolution: true, securityGroupIds: [vpc.defaultGroupId] };
    const report = await side().acceptAndConnect({ ...request, account });
    expect(report.outcome).toBe("done");
    expect(cloud.cloud.peerings.get(peering.id)?.accepterDns).toBe(true);
    expect(cloud.cloud.groups.get(vpc.defaultGroupId)?.ingress).toMatchObject([
      { ipProtocol: "tcp", fromPort: 27015, toPort: 27017, cidr: ATLAS_CIDR },
    ]);
    const again = await side().acceptAndConnect({ ...request, account });
    expect(again.outcome).toBe("done");
    expect(again.steps.find((s) => s.step === "security-group")?.detail).toMatch(/^kept tcp 27015-27017/);
    expect(cloud.cloud.groups.get(vpc.defaultGroupId)?.ingress).toHaveLength(1);
  });

  it("answers a wrong ExternalId with the trust-policy remediation and touches nothing", async () => {
    const { request } = fixture();
    const report = await side().acceptAndConnect({
      ...request,
      account: { ...request.account, externalId: "stack-other" },
    });
    expect(report.outcome).toBe("failed");
    expect(report.steps).toMatchObject([{ step: "assume-role", ok: false, errorCode: "AccessDenied" }]);
    expect(report.remediation).toMatch(
      /trust policy .*sts:ExternalId .*awsAccounts\.111122223333\.externalId/,
    );
    expect(JSON.stringify(report)).not.toMatch(/stack-other|AKIAGATEWAY|gateway-secret/);
    expect(cloud.calls.filter((c) => c.service === "ec2")).toEqual([]);
  });

  it("says an expired request cannot be accepted and how to get a new one", async () => {
    const { request } = fixture();
    clock += 7 * DAY;
    const report = await side().acceptAndConnect(request);
    expect(report.outcome).toBe("not-acceptable");
    expect(report.steps.at(-1)).toMatchObject({
      step: "accept",
      ok: false,
      detail: expect.stringMatching(/expired/),
    });
    expect(report.remediation).toMatch(/expired \(AWS keeps a request 7 days\)/);
    expect(cloud.calls.some((c) => c.action === "AcceptVpcPeeringConnection")).toBe(false);
  });

  it("names the permission the role lacks, and reports a named route table that does not exist", async () => {
    const { request } = fixture();
    cloud.addRole({ roleArn: ROLE, externalId: EXTERNAL_ID, deniedActions: ["CreateRoute"] });
    const report = await side().acceptAndConnect({
      ...request,
      account: { ...request.account, routeTableIds: ["rtb-0123456789abcdef0"] },
    });
    expect(report.outcome).toBe("failed");
    const all = await side().acceptAndConnect(request);
    const route = all.steps.find((s) => s.step === "route");
    expect(route).toMatchObject({ ok: false, errorCode: "UnauthorizedOperation", action: "CreateRoute" });
    expect(route?.remediation).toMatch(/lacks ec2:CreateRoute/);
    expect(report.steps.find((s) => s.step === "route")?.remediation).toMatch(
      /Route table rtb-0123456789abcdef0 does not exist/,
    );
  });

  it("accepts only in the accepter VPC's region: elsewhere the peering is not found (yet)", async () => {
    const { request } = fixture();
    const report = await side().acceptAndConnect({ ...request, region: "eu-west-2" });
    expect(report.outcome).toBe("incomplete");
    expect(cloud.calls.some((c) => c.action === "AcceptVpcPeeringConnection")).toBe(false);
    expect(report.remediation).toMatch(
      /No peering pcx-.* is visible in account 111122223333, region eu-west-2/,
    );
  });

  it("leaves the DNS option to the next re-check while the peering still provisions", async () => {
    await cloud.close();
    cloud = await startPeerCloud({ now: () => clock, provisioningMs: 60_000 });
    cloud.addRole({ roleArn: ROLE, externalId: EXTERNAL_ID });
    const { request } = fixture();
    const report = await side().acceptAndConnect({
      ...request,
      account: { ...request.account, dnsResolution: true },
    });
    expect(report.outcome).toBe("incomplete");
    expect(report.peeringStatus).toBe("provisioning");
    expect(report.steps.find((s) => s.step === "dns-resolution")).toMatchObject({ ok: false });
    expect(cloud.calls.some((c) => c.action === "ModifyVpcPeeringConnectionOptions")).toBe(false);
    clock += 60_000;
    const later = await side().acceptAndConnect({
      ...request,
      account: { ...request.account, dnsResolution: true },
    });
    expect(later.outcome).toBe("done");
  });

  it("explains a DNS option AWS refuses because the VPC has DNS hostnames off", async () => {
    const vpc = cloud.addVpc({
      accountId: ACCOUNT,
      region: REGION,
      cidr: "10.9.0.0/21",
      dnsHostnames: false,
    });
    const peering = cloud.addPendingPeering({
      requester: { ownerId: ATLAS_ACCOUNT, vpcId: "vpc-0aa11bb22cc33dd44", region: REGION, cidr: ATLAS_CIDR },
      accepterVpcId: vpc.vpcId,
    });
    const { request } = fixture();
    const report = await side().acceptAndConnect({
      ...request,
      pcxId: peering.id,
      vpcId: vpc.vpcId,
      account: { ...request.account, dnsResolution: true },
    });
    expect(report.outcome).toBe("failed");
    expect(report.remediation).toMatch(/DNS hostnames and DNS resolution enabled on the accepter VPC/);
    expect(routeTo(vpc.mainRouteTableId)?.vpcPeeringConnectionId).toBe(peering.id);
  });
});
