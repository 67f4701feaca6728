import { describe, expect, it } from "vitest";
import { AtlasHttpError } from "../../../local/simulator/errors.js";
import { type PeerRecord, PeerStore } from "../../../local/simulator/peers.js";
import { readOnlyFields } from "../../../local/simulator/render.js";
import { isPrivateCidr, parseCidr, validateChanges } from "../../../local/simulator/validation.js";

describe("CIDR checks", () => {
  it.each([
    ["10.0.0.0/8", true],
    ["10.8.0.0/21", true],
    ["172.16.0.0/12", true],
    ["172.31.255.0/24", true],
    ["192.168.10.0/24", true],
    ["172.32.0.0/16", false],
    ["10.0.0.0/7", false],
    ["8.8.8.0/24", false],
    ["192.169.0.0/16", false],
  ])("%s private: %s", (cidr, expected) => {
    expect(isPrivateCidr(cidr)).toBe(expected);
  });

  it("parses only IPv4 CIDR notation", () => {
    expect(parseCidr("10.1.2.3/16")).toEqual({ address: 0x0a010203, prefix: 16 });
    for (const bad of ["10.0.0.0", "10.0.0.256/8", "10.0.0.0/33", "fe80::/10"])
      expect(parseCidr(bad)).toBeUndefined();
  });
});

describe("validateChanges", () => {
  const store = new PeerStore({ now: () => 0, stepMs: 1000 });
  const found = store.byId("5f1e2d3c4b5a69788796a5c1");
  if (found === undefined) throw new Error("demo AWS peer missing");
  const aws: PeerRecord = found;

  function errorCode(body: Record<string, unknown>): string | undefined {
    try {
      validateChanges(body, aws, readOnlyFields(aws, store));
      return undefined;
    } catch (error) {
      return error instanceof AtlasHttpError ? error.body.errorCode : "unexpected";
    }
  }

  it("returns the settings to merge and accepts unchanged read-only echoes", () => {
    const current = readOnlyFields(aws, store);
    const body = { routeTableCidrBlock: "10.1.0.0/16", statusName: current.statusName, providerName: "AWS" };
    expect(validateChanges(body, aws, current)).toEqual({ routeTableCidrBlock: "10.1.0.0/16" });
  });

  it.each([
    [{ routeTableCidrBlock: "10.0.0.0" }, "INVALID_CIDR_BLOCK"],
    [{ routeTableCidrBlock: "100.64.0.0/10" }, "INVALID_ROUTE_TABLE_CIDR"],
    [{ awsAccountId: "12345" }, "INVALID_ATTRIBUTE"],
    [{ vpcId: "vpc-xyz" }, "INVALID_ATTRIBUTE"],
    [{ vnetName: "v" }, "INVALID_ATTRIBUTE"],
    [{ containerId: "0".repeat(24) }, "INVALID_ATTRIBUTE"],
    [{ connectionId: "pcx-1" }, "ATTRIBUTE_READ_ONLY"],
  ])("refuses %j with %s", (body, code) => {
    expect(errorCode(body)).toBe(code);
  });
});
