import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cannotAcceptRemediation,
  isBenignFailure,
  isRetryableFailure,
  type PeerSideAction,
  peerSideRemediation,
} from "../../../../src/domain/accepter/remediation.js";
import type { PeerSideRequest } from "../../../../src/domain/accepter/request.js";

const request: PeerSideRequest = {
  changeId: "chg_1",
  accountId: "111122223333",
  pcxId: "pcx-0a1b2c3d4e5f60718",
  region: "eu-west-2",
  atlasCidrBlock: "192.168.248.0/21",
  account: {
    roleArn: "arn:aws:iam::111122223333:role/atlas-peering-accepter",
    externalId: "stack-7f3a9c",
    accept: true,
    routeTableIds: "all",
    dnsResolution: false,
    securityGroupIds: [],
  },
};
const EC2_ACTIONS: PeerSideAction[] = [
  "DescribeVpcPeeringConnections",
  "AcceptVpcPeeringConnection",
  "DescribeRouteTables",
  "CreateRoute",
  "ReplaceRoute",
  "ModifyVpcPeeringConnectionOptions",
  "DescribeSecurityGroups",
  "AuthorizeSecurityGroupIngress",
];

describe("peerSideRemediation", () => {
  it("names the IAM permission the role lacks for each EC2 call", () => {
    for (const action of EC2_ACTIONS) {
      for (const code of ["UnauthorizedOperation", "AccessDenied"]) {
        const sentence = peerSideRemediation(request, { action, code, target: "rtb-0123" });
        expect(sentence).toContain(`lacks ec2:${action} on rtb-0123`);
        expect(sentence).toContain("deploy/accepter-role.yml");
        expect(sentence).toContain("account 111122223333, region eu-west-2");
      }
    }
  });

  it("points STS AccessDenied at the trust policy and the ExternalId", () => {
    const sentence = peerSideRemediation(request, { action: "AssumeRole", code: "AccessDenied" });
    expect(sentence).toContain("trust policy");
    expect(sentence).toContain("sts:ExternalId");
    expect(sentence).not.toContain("stack-7f3a9c");
    expect(sentence).toContain("awsAccounts.111122223333.externalId");
  });

  it("has a sentence for each code of the peer-side steps", () => {
    const expected: Record<string, RegExp> = {
      "InvalidVpcPeeringConnectionID.NotFound":
        /No peering pcx-0a1b2c3d4e5f60718 is visible .*another region/,
      InvalidStateTransition: /no longer pending acceptance \(already accepted, or expired/,
      VpcPeeringConnectionAlreadyExists: /Another peering between the same VPCs/,
      RouteAlreadyExists: /already exists/,
      "InvalidRouteTableID.NotFound": /Route table rtb-0123 does not exist .*routeTableIds/,
      "InvalidGroup.NotFound": /Security group rtb-0123 does not exist .*securityGroupIds/,
      "InvalidPermission.Duplicate": /already allows tcp 27015-27017/,
      RequestLimitExceeded: /throttled/,
    };
    for (const [code, sentence] of Object.entries(expected)) {
      expect(peerSideRemediation(request, { action: "CreateRoute", code, target: "rtb-0123" })).toMatch(
        sentence,
      );
    }
  });

  it("still gives a sentence naming an unknown code and the call", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][A-Za-z.]{2,30}$/),
        fc.constantFrom(...EC2_ACTIONS),
        (code, action) => {
          const sentence = peerSideRemediation(request, { action, code });
          expect(sentence.length).toBeGreaterThan(20);
          expect(sentence).toMatch(/[.:]/);
        },
      ),
    );
    expect(peerSideRemediation(request, { action: "CreateRoute", code: "Odd.Code" })).toContain(
      "Odd.Code to CreateRoute",
    );
  });

  it("treats a duplicate rule as done and throttling or the network as retryable", () => {
    expect(
      isBenignFailure({ action: "AuthorizeSecurityGroupIngress", code: "InvalidPermission.Duplicate" }),
    ).toBe(true);
    expect(isBenignFailure({ action: "CreateRoute", code: "UnauthorizedOperation" })).toBe(false);
    for (const code of ["RequestLimitExceeded", "network", "InternalError"]) {
      expect(isRetryableFailure({ action: "CreateRoute", code })).toBe(true);
    }
    expect(isRetryableFailure({ action: "CreateRoute", code: "UnauthorizedOperation" })).toBe(false);
  });
});

describe("cannotAcceptRemediation", () => {
  it("says an expired request cannot be accepted and how to get a new one", () => {
    expect(cannotAcceptRemediation(request, "expired")).toMatch(
      /expired \(AWS keeps a request 7 days\): send the change again/,
    );
  });

  it("has a sentence for every reason", () => {
    for (const reason of [
      "not-found",
      "expired",
      "rejected",
      "failed",
      "deleted",
      "not-yet-requested",
      "other-account",
      "other-vpc",
    ] as const) {
      expect(cannotAcceptRemediation(request, reason)).toContain(request.pcxId);
    }
  });
});
