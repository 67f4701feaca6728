import { describe, expect, it } from "vitest";
import type { AccepterAccount } from "../../../../src/domain/accepter/accounts.js";
import { accepterRegion, peerSideRequest } from "../../../../src/domain/accepter/request.js";

const account: AccepterAccount = {
  roleArn: "arn:aws:iam::111122223333:role/a",
  externalId: "x1",
  accept: true,
  routeTableIds: "all",
  dnsResolution: false,
  securityGroupIds: [],
};
const accounts = new Map([["111122223333", account]]);
const facts = {
  changeId: "chg_1",
  statusName: "PENDING_ACCEPTANCE",
  connectionId: "pcx-0a1b2c3d4e5f60718",
  awsAccountId: "111122223333",
  vpcId: "vpc-0123456789abcdef0",
  accepterRegionName: null,
  container: { regionName: "US_EAST_1", atlasCidrBlock: "192.168.248.0/21" },
};

describe("accepterRegion", () => {
  it("is the container's region in AWS form when Atlas says null", () => {
    expect(accepterRegion(null, "US_EAST_1")).toBe("us-east-1");
    expect(accepterRegion(undefined, "AP_SOUTHEAST_2")).toBe("ap-southeast-2");
    expect(accepterRegion(null, "US_GOV_WEST_1")).toBe("us-gov-west-1");
  });

  it("is accepterRegionName when Atlas names one (in either form)", () => {
    expect(accepterRegion("eu-west-2", "US_EAST_1")).toBe("eu-west-2");
    expect(accepterRegion("EU_WEST_2", "US_EAST_1")).toBe("eu-west-2");
  });

  it("is undefined for what is not a region", () => {
    expect(accepterRegion(null, "GLOBAL")).toBeUndefined();
    expect(accepterRegion(null, undefined)).toBeUndefined();
  });
});

describe("peerSideRequest", () => {
  it("builds the request for a pending peer of a configured account", () => {
    expect(peerSideRequest(facts, accounts)).toEqual({
      ok: true,
      request: {
        changeId: "chg_1",
        accountId: "111122223333",
        account,
        pcxId: "pcx-0a1b2c3d4e5f60718",
        region: "us-east-1",
        vpcId: "vpc-0123456789abcdef0",
        atlasCidrBlock: "192.168.248.0/21",
      },
    });
  });

  it("says why it does not act", () => {
    const cases = [
      [{ statusName: "AVAILABLE" }, "not-pending-acceptance"],
      [{ connectionId: undefined }, "no-connection-id"],
      [{ connectionId: "pcx-$(rm)" }, "no-connection-id"],
      [{ awsAccountId: "444455556666" }, "account-not-configured"],
      [{ container: { regionName: "GLOBAL", atlasCidrBlock: "192.168.248.0/21" } }, "region-unknown"],
      [{ container: { regionName: "US_EAST_1" } }, "atlas-cidr-unknown"],
    ] as const;
    for (const [patch, reason] of cases) {
      expect(peerSideRequest({ ...facts, ...patch }, accounts)).toEqual({ ok: false, reason });
    }
  });
});
