import { describe, expect, it } from "vitest";
import { validatePeeringSettings } from "../../../src/domain/peering/request.js";
import { AWS_BODY, AZURE_BODY, GCP_BODY, messageAt } from "./peering-bodies.js";

describe("validatePeeringSettings: field forms", () => {
  it.each([
    ["awsAccountId", "12345678901", /12-digit/],
    ["awsAccountId", 123456789012, /must be a JSON string: a 12-digit/],
    ["vpcId", "vpc-0123456789ABCDEF0", /lowercase hex/],
    ["vpcId", "0123456789abcdef0", /vpc- followed by/],
    ["containerId", "5E57D85C854180642F7844BF", /24 lowercase hex/],
    ["containerId", "5e57d85c854180642f7844b", /24 lowercase hex/],
    ["accepterRegionName", "US_EAST_1", /AWS region name such as us-east-1.*not Atlas's US_EAST_1/],
    ["accepterRegionName", "us-east", /AWS region name/],
    ["routeTableCidrBlock", "10.15.0.0", /IPv4 CIDR block a\.b\.c\.d\/n/],
  ])("refuses %s = %j", (field, value, message) => {
    expect(messageAt(validatePeeringSettings({ ...AWS_BODY, [field]: value }, "full"), field)).toMatch(
      message,
    );
  });

  it.each([
    ["azureDirectoryId", "not-a-uuid", /UUID/],
    ["azureSubscriptionId", "7a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d", /UUID/],
    ["resourceGroupName", "rg with spaces", /letter, digit, or one of - _ \. \( \)/],
    ["resourceGroupName", "", /1 to 90 characters/],
    ["resourceGroupName", "r".repeat(91), /1 to 90 characters/],
    ["vnetName", "v".repeat(65), /1 to 64 characters/],
    ["vnetName", "vnet/1", /1 to 64 characters/],
  ])("refuses AZURE %s = %j", (field, value, message) => {
    expect(messageAt(validatePeeringSettings({ ...AZURE_BODY, [field]: value }, "full"), field)).toMatch(
      message,
    );
  });

  it.each([
    ["gcpProjectId", "My-Project", /GCP project id/],
    ["gcpProjectId", "proj", /6 to 30/],
    ["gcpProjectId", "my-project-", /not ending with a hyphen/],
    ["networkName", "Default", /GCP network name/],
    ["networkName", "1net", /starting with a letter/],
    ["networkName", `n${"a".repeat(63)}`, /1 to 63/],
  ])("refuses GCP %s = %j", (field, value, message) => {
    expect(messageAt(validatePeeringSettings({ ...GCP_BODY, [field]: value }, "full"), field)).toMatch(
      message,
    );
  });

  it("accepts the longest names Azure and GCP allow", () => {
    const azure = { ...AZURE_BODY, resourceGroupName: "r".repeat(90), vnetName: "v".repeat(64) };
    expect(validatePeeringSettings(azure, "full").ok).toBe(true);
    const gcp = { ...GCP_BODY, gcpProjectId: `p${"a".repeat(29)}`, networkName: `n${"a".repeat(62)}` };
    expect(validatePeeringSettings(gcp, "full").ok).toBe(true);
  });

  it("accepts accepterRegionName: null in both modes, as Atlas answers it for a VPC in the container's region", () => {
    for (const mode of ["full", "partial"] as const) {
      const body = { ...AWS_BODY, accepterRegionName: null };
      expect(validatePeeringSettings(body, mode)).toEqual({ ok: true, value: body });
    }
  });

  it.each(["awsAccountId", "containerId", "vpcId"])("refuses null for %s in both modes", (field) => {
    for (const mode of ["full", "partial"] as const) {
      const message = messageAt(validatePeeringSettings({ ...AWS_BODY, [field]: null }, mode), field);
      expect(message).toMatch(/must not be null; send a value or leave the field out/);
    }
  });
});
