import { describe, expect, it } from "vitest";
import { mergeFields, planChange } from "../../../src/domain/change/plan.js";
import type { Provider } from "../../../src/domain/peering/settings.js";
import { AWS_BODY, AZURE_BODY, CONTAINER, GCP_BODY } from "./peering-bodies.js";

const OTHER_CONTAINER = "6a0b1c2d3e4f5a6b7c8d9e0f";
const REINITIALISE =
  "changing vpcId/awsAccountId re-initialises the peering: Atlas creates a new VPC peering request that must be accepted again";

/** The peer as Atlas returns it: the body plus read-only fields. */
const AWS_PEER = {
  ...AWS_BODY,
  id: "5f3a556351db42631e16f33a",
  connectionId: "pcx-05530fa865e7a44f4",
  statusName: "AVAILABLE",
  errorStateName: null,
  atlasCidrBlock: "192.168.248.0/21",
};
const AZURE_PEER = { ...AZURE_BODY, id: "5f3a556351db42631e16f33a", status: "AVAILABLE", errorState: null };
const GCP_PEER = { ...GCP_BODY, id: "5f3a556351db42631e16f33a", status: "AVAILABLE", errorMessage: null };

interface Case {
  name: string;
  provider: Provider;
  current: Record<string, unknown>;
  desired: Record<string, unknown>;
  diff: Array<[string, string | null, string]>;
  warnings?: string[];
  refusal?: RegExp;
}

const CASES: Case[] = [
  { name: "AWS unchanged body", provider: "AWS", current: AWS_PEER, desired: AWS_BODY, diff: [] },
  {
    name: "AWS CIDR change, read-only fields ignored",
    provider: "AWS",
    current: AWS_PEER,
    desired: { ...AWS_BODY, routeTableCidrBlock: "10.15.0.0/24", id: "x", statusName: "FAILED" },
    diff: [["routeTableCidrBlock", "172.31.0.0/16", "10.15.0.0/24"]],
  },
  {
    name: "AWS vpcId change warns of re-initialisation",
    provider: "AWS",
    current: AWS_PEER,
    desired: { ...AWS_BODY, vpcId: "vpc-7b64b41e" },
    diff: [["vpcId", "vpc-0123456789abcdef0", "vpc-7b64b41e"]],
    warnings: [REINITIALISE],
  },
  {
    name: "AWS vpcId and awsAccountId change, one warning, diff ordered by field",
    provider: "AWS",
    current: AWS_PEER,
    desired: {
      ...AWS_BODY,
      vpcId: "vpc-7b64b41e",
      awsAccountId: "123456789012",
      routeTableCidrBlock: "10.0.0.0/8",
    },
    diff: [
      ["awsAccountId", "358363220050", "123456789012"],
      ["routeTableCidrBlock", "172.31.0.0/16", "10.0.0.0/8"],
      ["vpcId", "vpc-0123456789abcdef0", "vpc-7b64b41e"],
    ],
    warnings: [REINITIALISE],
  },
  {
    name: "AWS region against Atlas's null (same region) is no change",
    provider: "AWS",
    current: { ...AWS_PEER, accepterRegionName: null },
    desired: AWS_BODY,
    diff: [],
  },
  {
    name: "AWS different region is a change with a warning",
    provider: "AWS",
    current: AWS_PEER,
    desired: { ...AWS_BODY, accepterRegionName: "eu-west-1" },
    diff: [["accepterRegionName", "us-east-1", "eu-west-1"]],
    warnings: [
      "Atlas may not update accepterRegionName in place (the Kubernetes operator treats it as fixed)",
    ],
  },
  {
    name: "AWS field absent at Atlas is set (a change from null), not re-initialised",
    provider: "AWS",
    current: { providerName: "AWS", containerId: CONTAINER },
    desired: { containerId: CONTAINER, vpcId: "vpc-7b64b41e" },
    diff: [["vpcId", null, "vpc-7b64b41e"]],
    warnings: [],
  },
  {
    name: "containerId change is refused",
    provider: "AWS",
    current: AWS_PEER,
    desired: { ...AWS_BODY, containerId: OTHER_CONTAINER },
    diff: [["containerId", CONTAINER, OTHER_CONTAINER]],
    refusal: /^containerId cannot change.*; delete and re-create the peering instead$/,
  },
  { name: "AZURE unchanged body", provider: "AZURE", current: AZURE_PEER, desired: AZURE_BODY, diff: [] },
  {
    name: "AZURE vnetName and azureDirectoryId changes are refused by name",
    provider: "AZURE",
    current: AZURE_PEER,
    desired: { ...AZURE_BODY, vnetName: "vnet-2", azureDirectoryId: "00000000-0000-4000-8000-000000000000" },
    diff: [
      ["azureDirectoryId", AZURE_BODY.azureDirectoryId, "00000000-0000-4000-8000-000000000000"],
      ["vnetName", "vnet-prod", "vnet-2"],
    ],
    refusal:
      /^azureDirectoryId, vnetName cannot be changed in place: Atlas answers 400 INVALID_ATTRIBUTE .*#2281\).*re-create/,
  },
  {
    name: "AZURE resourceGroupName and azureSubscriptionId are refused",
    provider: "AZURE",
    current: AZURE_PEER,
    desired: {
      ...AZURE_BODY,
      resourceGroupName: "rg2",
      azureSubscriptionId: "00000000-0000-4000-8000-000000000001",
    },
    diff: [
      ["azureSubscriptionId", AZURE_BODY.azureSubscriptionId, "00000000-0000-4000-8000-000000000001"],
      ["resourceGroupName", AZURE_BODY.resourceGroupName, "rg2"],
    ],
    refusal: /^azureSubscriptionId, resourceGroupName cannot be changed in place/,
  },
  { name: "GCP unchanged body", provider: "GCP", current: GCP_PEER, desired: GCP_BODY, diff: [] },
  {
    name: "GCP networkName change is refused",
    provider: "GCP",
    current: GCP_PEER,
    desired: { ...GCP_BODY, networkName: "prod" },
    diff: [["networkName", "default", "prod"]],
    refusal: /^networkName cannot be changed in place \(the Terraform provider made them ForceNew\)/,
  },
  {
    name: "GCP gcpProjectId and containerId changes are both named in the refusal",
    provider: "GCP",
    current: GCP_PEER,
    desired: { ...GCP_BODY, gcpProjectId: "other-proj-1", containerId: OTHER_CONTAINER },
    diff: [
      ["containerId", CONTAINER, OTHER_CONTAINER],
      ["gcpProjectId", "my-proj-123", "other-proj-1"],
    ],
    refusal: /^containerId cannot change.*; gcpProjectId cannot be changed in place/,
  },
  {
    name: "comparison is exact: case differs",
    provider: "AZURE",
    current: AZURE_PEER,
    desired: { ...AZURE_BODY, azureSubscriptionId: AZURE_BODY.azureSubscriptionId.toLowerCase() },
    diff: [
      ["azureSubscriptionId", AZURE_BODY.azureSubscriptionId, AZURE_BODY.azureSubscriptionId.toLowerCase()],
    ],
    refusal: /^azureSubscriptionId cannot be changed in place/,
  },
  {
    name: "other providers' fields in desired are not compared",
    provider: "GCP",
    current: GCP_PEER,
    desired: { ...GCP_BODY, vpcId: "vpc-7b64b41e", providerName: "AWS" },
    diff: [],
  },
];

describe("planChange", () => {
  it.each(CASES)("$name", ({ provider, current, desired, diff, warnings = [], refusal }) => {
    const plan = planChange(provider, current, desired);
    expect(plan.diff).toEqual(diff.map(([field, was, wanted]) => ({ field, current: was, desired: wanted })));
    expect(plan.noop).toBe(diff.length === 0);
    expect(plan.warnings).toEqual(warnings);
    if (refusal) expect(plan.refusal).toMatch(refusal);
    else expect(plan).not.toHaveProperty("refusal");
  });

  it("shows every desired field as a change from null, with a warning, when the peer could not be read", () => {
    const plan = planChange("AWS", undefined, { ...AWS_BODY, containerId: OTHER_CONTAINER });
    expect(plan).toEqual({
      diff: [
        { field: "accepterRegionName", current: null, desired: "us-east-1" },
        { field: "awsAccountId", current: null, desired: "358363220050" },
        { field: "containerId", current: null, desired: OTHER_CONTAINER },
        { field: "routeTableCidrBlock", current: null, desired: "172.31.0.0/16" },
        { field: "vpcId", current: null, desired: "vpc-0123456789abcdef0" },
      ],
      noop: false,
      warnings: [expect.stringMatching(/^could not read the current peer; /)],
    });
    expect(plan).not.toHaveProperty("refusal");
  });

  it("is not a noop when the peer could not be read, even with nothing to compare", () => {
    expect(planChange("GCP", undefined, { providerName: "GCP" })).toMatchObject({ diff: [], noop: false });
  });
});

describe("mergeFields", () => {
  it("overlays the pairs on the writable fields of the peer, dropping read-only fields and nulls", () => {
    const merged = mergeFields(
      { ...AWS_PEER, accepterRegionName: null },
      { routeTableCidrBlock: "10.15.0.0/24" },
    );
    expect(merged).toEqual({
      providerName: "AWS",
      awsAccountId: "358363220050",
      containerId: CONTAINER,
      routeTableCidrBlock: "10.15.0.0/24",
      vpcId: "vpc-0123456789abcdef0",
    });
  });

  it("keeps only the provider's writable fields of an Azure or GCP peer", () => {
    expect(mergeFields({ ...GCP_PEER, vpcId: "vpc-7b64b41e" }, { networkName: "prod" })).toEqual({
      ...GCP_BODY,
      networkName: "prod",
    });
    expect(mergeFields(AZURE_PEER, {})).toEqual(AZURE_BODY);
  });

  it("treats a peer without providerName as AWS and adds no providerName", () => {
    const { providerName: _, ...peer } = AWS_PEER;
    const { providerName: __, ...body } = AWS_BODY;
    expect(mergeFields(peer, {})).toEqual(body);
  });

  it("keeps a pair that names no writable field, so validation refuses it by name", () => {
    expect(mergeFields(GCP_PEER, { vpcid: "vpc-7b64b41e" })).toEqual({ ...GCP_BODY, vpcid: "vpc-7b64b41e" });
  });
});

describe("fields Atlas did not report", () => {
  it("are set, not changed: no refusal or warning for a containerId, vpcId or Azure field that was absent", () => {
    const aws = planChange(
      "AWS",
      {},
      { containerId: "5e57d85c854180642f7844bf", vpcId: "vpc-0123456789abcdef0" },
    );
    expect(aws).toMatchObject({ noop: false, warnings: [] });
    expect(aws.refusal).toBeUndefined();
    const azure = planChange("AZURE", { vnetName: null }, { vnetName: "vnet-b" });
    expect(azure.refusal).toBeUndefined();
  });
});
