import { describe, expect, it } from "vitest";
import { validatePeeringSettings } from "../../../src/domain/peering/request.js";
import { type PeeringSettings, providerOf } from "../../../src/domain/peering/settings.js";
import {
  AWS_BODY,
  AWS_WITHOUT_PROVIDER,
  AZURE_BODY,
  CONTAINER,
  errorsOf,
  GCP_BODY,
  messageAt,
} from "./peering-bodies.js";

describe("validatePeeringSettings: valid bodies", () => {
  it.each([
    ["AWS", AWS_BODY],
    ["AWS without providerName", AWS_WITHOUT_PROVIDER],
    ["AZURE", AZURE_BODY],
    ["GCP", GCP_BODY],
    ["AWS with a legacy 8-hex vpcId", { ...AWS_BODY, vpcId: "vpc-7b64b41e" }],
    ["AWS in GovCloud", { ...AWS_BODY, accepterRegionName: "us-gov-west-1" }],
    ["AWS in ap-southeast-2", { ...AWS_BODY, accepterRegionName: "ap-southeast-2" }],
  ])("accepts %s in full and partial mode, unchanged", (_name, body) => {
    for (const mode of ["full", "partial"] as const) {
      expect(validatePeeringSettings(body, mode)).toEqual({ ok: true, value: body });
    }
  });

  it("keeps an absent providerName absent, and reads it as AWS", () => {
    const result = validatePeeringSettings(AWS_WITHOUT_PROVIDER, "full");
    if (!result.ok) throw new Error("expected ok");
    expect(result.value).not.toHaveProperty("providerName");
    expect(providerOf(result.value)).toBe("AWS");
  });

  it.each<[PeeringSettings, string]>([
    [{ providerName: "AWS" }, "AWS"],
    [{ providerName: "AZURE" }, "AZURE"],
    [{ providerName: "GCP" }, "GCP"],
  ])("providerOf(%o) is %s", (settings, provider) => {
    expect(providerOf(settings)).toBe(provider);
  });
});

describe("validatePeeringSettings: the Atlas doc example", () => {
  it("refuses abc123abc123 and vpc-abc123abc123, stating the expected forms", () => {
    const body = {
      awsAccountId: "abc123abc123",
      vpcId: "vpc-abc123abc123",
      routeTableCidrBlock: "10.15.0.0/16",
    };
    for (const mode of ["full", "partial"] as const) {
      const result = validatePeeringSettings(body, mode);
      expect(messageAt(result, "awsAccountId")).toBe("must be a 12-digit AWS account id, e.g. 123456789012");
      expect(messageAt(result, "vpcId")).toMatch(/vpc- followed by 17 lowercase hex.*vpc-0123456789abcdef0/);
    }
  });
});

describe("validatePeeringSettings: fields that do not belong", () => {
  const READ_ONLY = [
    "id",
    "connectionId",
    "statusName",
    "errorStateName",
    "status",
    "errorState",
    "errorMessage",
    "atlasCidrBlock",
  ];

  it.each(READ_ONLY)("refuses read-only %s by name, for every provider and mode", (field) => {
    for (const body of [AWS_BODY, AZURE_BODY, GCP_BODY]) {
      for (const mode of ["full", "partial"] as const) {
        const result = validatePeeringSettings({ ...body, [field]: "x" }, mode);
        expect(errorsOf(result)).toEqual([{ path: field, message: "is read-only: Atlas sets it" }]);
      }
    }
  });

  it.each([
    [GCP_BODY, "vpcId", "vpcId is an AWS field; this is a GCP peering"],
    [AZURE_BODY, "gcpProjectId", "gcpProjectId is a GCP field; this is an AZURE peering"],
    [AWS_BODY, "vnetName", "vnetName is an AZURE field; this is an AWS peering"],
    [AWS_WITHOUT_PROVIDER, "networkName", "networkName is a GCP field; this is an AWS peering"],
  ])("refuses another provider's field: %o + %s", (body, field, message) => {
    expect(errorsOf(validatePeeringSettings({ ...body, [field]: "x" }, "full"))).toEqual([
      { path: field, message },
    ]);
  });

  it.each([
    [
      AWS_BODY,
      "an AWS",
      "providerName, accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId",
    ],
    [
      AZURE_BODY,
      "an AZURE",
      "providerName, azureDirectoryId, azureSubscriptionId, containerId, resourceGroupName",
    ],
    [GCP_BODY, "a GCP", "providerName, containerId, gcpProjectId, networkName"],
  ])("refuses an unknown field by name and lists the allowed ones (%#)", (body, provider, allowed) => {
    const result = validatePeeringSettings({ ...body, vpcID: "vpc-0123456789abcdef0", extra: 1 }, "full");
    const message = `unknown field for ${provider} peering; allowed: ${allowed}`;
    expect(errorsOf(result).map((e) => e.path)).toEqual(["extra", "vpcID"]);
    for (const error of errorsOf(result)) expect(error.message).toContain(message);
  });
});

describe("validatePeeringSettings: required fields and modes", () => {
  it.each([AWS_BODY, AZURE_BODY, GCP_BODY])(
    "full mode requires containerId only, the v2 base schema's one required field (%o)",
    (body) => {
      const result = validatePeeringSettings({ providerName: body.providerName }, "full");
      expect(errorsOf(result)).toEqual([{ path: "containerId", message: "is required" }]);
    },
  );

  it.each([
    // Terraform's resourceUpdate for AZURE and GCP (test/fixtures/clients/terraform/); refused with 400 before.
    [{ providerName: "AZURE", containerId: CONTAINER }],
    [{ providerName: "GCP", containerId: CONTAINER }],
    // The Go SDK's UpdateGroupPeer example: NewBaseNetworkPeeringConnectionSettings(containerId).
    [{ containerId: CONTAINER }],
    [{ providerName: "AWS", containerId: CONTAINER, routeTableCidrBlock: "10.15.0.0/24" }],
  ])("full mode accepts a body Atlas accepts on PATCH without the provider's other fields: %o", (body) => {
    expect(validatePeeringSettings(body, "full")).toEqual({ ok: true, value: body });
  });

  it.each([
    [{ routeTableCidrBlock: "10.15.0.0/24" }],
    [{ providerName: "AWS", awsAccountId: "999900000000", vpcId: "vpc-7b64b41e" }],
    [{ providerName: "AZURE", containerId: CONTAINER }],
    [{ providerName: "GCP", networkName: "default" }],
  ])("partial mode accepts a subset: %o", (body) => {
    expect(validatePeeringSettings(body, "partial")).toEqual({ ok: true, value: body });
  });

  it.each([[{}], [{ providerName: "AWS" }], [{ providerName: "AZURE" }], [{ providerName: "GCP" }]])(
    "partial mode refuses a body with no field to change: %o",
    (body) => {
      expect(errorsOf(validatePeeringSettings(body, "partial"))).toEqual([
        { path: "", message: "the body must contain at least one field other than providerName" },
      ]);
    },
  );
});

describe("validatePeeringSettings: the body as a whole", () => {
  it.each([null, [], "text", 42, true, [AWS_BODY]])("refuses a non-object body %j at path ''", (body) => {
    for (const mode of ["full", "partial"] as const) {
      expect(errorsOf(validatePeeringSettings(body, mode))).toEqual([
        { path: "", message: "the body must be a JSON object" },
      ]);
    }
  });

  it.each(["aws", "Azure", "OCI", null, 1])("refuses providerName %j", (providerName) => {
    const result = validatePeeringSettings({ ...AWS_BODY, providerName }, "full");
    expect(errorsOf(result)).toEqual([{ path: "providerName", message: "must be one of AWS, AZURE, GCP" }]);
  });

  it("reports every violation at once, sorted by path", () => {
    const body = {
      ...AWS_BODY,
      vpcId: "vpc-abc123abc123",
      routeTableCidrBlock: "8.8.8.0/24",
      color: "red",
      id: "x",
    };
    expect(errorsOf(validatePeeringSettings(body, "full")).map((e) => e.path)).toEqual([
      "color",
      "id",
      "routeTableCidrBlock",
      "vpcId",
    ]);
  });

  it("reports missing, malformed, foreign and read-only fields together in full mode", () => {
    const result = validatePeeringSettings(
      { providerName: "GCP", gcpProjectId: "X", vpcId: "v", status: "x" },
      "full",
    );
    expect(errorsOf(result).map((e) => e.path)).toEqual(["containerId", "gcpProjectId", "status", "vpcId"]);
  });

  it("places paths under a prefix", () => {
    const result = validatePeeringSettings({ ...GCP_BODY, networkName: "Bad" }, "full", "peering");
    expect(errorsOf(result).map((e) => e.path)).toEqual(["peering.networkName"]);
    expect(errorsOf(validatePeeringSettings(undefined, "full", "peering"))).toEqual([
      { path: "peering", message: "is required" },
    ]);
  });
});
