import { describe, expect, it } from "vitest";
import { findOverlaps } from "../../../../src/domain/policy/overlap.js";
import { policyViolations } from "../../../../src/domain/policy/rules.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const applied = {
  key: GROUP,
  rules: {
    aws: { accountIds: ["123456789012"], cidrs: ["10.0.0.0/8", "172.16.0.0/12"] },
    gcp: { networkNames: [] },
    azure: { vnetNames: ["vnet-a"] },
  },
};
const aws = {
  awsAccountId: "123456789012",
  vpcId: "vpc-0123456789abcdef0",
  routeTableCidrBlock: "10.13.0.0/21",
  containerId: "5f1e2d3c4b5a69788796a5d1",
};

describe("the policy's rules", () => {
  it("allows a body inside every list, and checks nothing without rules", () => {
    expect(policyViolations(applied, "AWS", aws)).toEqual([]);
    expect(policyViolations(undefined, "AWS", { ...aws, routeTableCidrBlock: "192.168.10.0/24" })).toEqual(
      [],
    );
  });

  it("names the field, the rule and the allowed values of every violation", () => {
    const found = policyViolations(
      applied,
      "AWS",
      { ...aws, awsAccountId: "210987654321", routeTableCidrBlock: "192.168.10.0/24" },
      "peering",
    );
    expect(found.map((v) => v.message)).toEqual([
      `peering.awsAccountId: 210987654321 is not one of the project's allowed AWS accounts (policy projects.${GROUP}.aws.accountIds: 123456789012)`,
      `peering.routeTableCidrBlock: 192.168.10.0/24 is outside the project's allowed CIDRs (policy projects.${GROUP}.aws.cidrs: 10.0.0.0/8, 172.16.0.0/12)`,
    ]);
    expect(found[1]).toMatchObject({
      path: "peering.routeTableCidrBlock",
      rule: `projects.${GROUP}.aws.cidrs`,
      allowed: ["10.0.0.0/8", "172.16.0.0/12"],
    });
  });

  it("refuses a block only partly inside an allowed one", () => {
    const wide = { ...aws, routeTableCidrBlock: "10.0.0.0/7" };
    expect(policyViolations(applied, "AWS", wide)).toHaveLength(1);
  });

  it("absent lists allow anything; an empty list allows nothing; other providers' rules do not apply", () => {
    expect(policyViolations(applied, "GCP", { gcpProjectId: "any", networkName: "default" })).toEqual([
      expect.objectContaining({
        path: "networkName",
        rule: `projects.${GROUP}.gcp.networkNames`,
        allowed: [],
      }),
    ]);
    expect(policyViolations(applied, "AZURE", { vnetName: "vnet-a", azureSubscriptionId: "x" })).toEqual([]);
    expect(policyViolations(applied, "AZURE", { vnetName: "vnet-b" })[0]?.message).toContain(
      "vnetName: vnet-b is not one of the project's allowed VNets",
    );
  });

  it("does not check a field the body leaves out (a v1.0 partial PATCH)", () => {
    expect(policyViolations(applied, "AWS", { routeTableCidrBlock: "10.1.0.0/16" })).toEqual([]);
  });
});

describe("overlaps", () => {
  const peers = {
    AWS: [
      { id: "self", routeTableCidrBlock: "10.8.0.0/21" },
      { id: "other", routeTableCidrBlock: "10.64.0.0/24" },
      { id: "no-cidr" },
    ],
    GCP: [{ id: "gcp", routeTableCidrBlock: "10.8.0.0/8" }],
  };
  const container = { id: "c1", atlasCidrBlock: "192.168.248.0/21" };

  it("finds the container's block and other peers' blocks, never the peer's own", () => {
    expect(findOverlaps("10.8.0.0/22", "self", peers, container)).toEqual([]);
    expect(findOverlaps("10.64.0.0/16", "self", peers, container)).toEqual([
      { kind: "peer", peerId: "other", cidr: "10.64.0.0/24" },
    ]);
    expect(findOverlaps("192.168.248.0/24", "self", peers, container)).toEqual([
      { kind: "atlas", containerId: "c1", cidr: "192.168.248.0/21" },
    ]);
  });

  it("compares only the fields that hold a customer CIDR (AWS peers'), and nothing without data", () => {
    expect(findOverlaps("10.9.0.0/16", "self", peers)).toEqual([]);
    expect(findOverlaps("10.9.0.0/16", "self", {}, { id: "c1" })).toEqual([]);
  });
});
