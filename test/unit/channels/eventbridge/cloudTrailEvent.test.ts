import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesPattern } from "../../../../local/aws/eventPattern.js";
import {
  CLOUDTRAIL_DETAIL_TYPE,
  PEERING_CALLS_PATTERN,
  parsePeeringCall,
} from "../../../../src/channels/eventbridge/cloudTrailEvent.js";

const PCX = "pcx-0a1b2c3d4e5f60718";

/** A CloudTrail-delivered EC2 call, shaped as the reference's Delete record (no Accept record exists). */
function event(detail: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}) {
  return {
    version: "0",
    id: "6f3c1e52-0000-4000-8000-000000000001",
    "detail-type": CLOUDTRAIL_DETAIL_TYPE,
    source: "aws.ec2",
    account: "111122223333",
    time: "2026-12-01T12:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail: {
      eventVersion: "1.08",
      eventSource: "ec2.amazonaws.com",
      eventName: "AcceptVpcPeeringConnection",
      awsRegion: "eu-west-1",
      requestParameters: { vpcPeeringConnectionId: PCX },
      responseElements: { requestId: "9b1c", _return: true },
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: "111122223333",
      eventCategory: "Management",
      ...detail,
    },
    ...envelope,
  };
}

describe("parsePeeringCall", () => {
  it("reads the pcx from requestParameters.vpcPeeringConnectionId, with who and where", () => {
    expect(parsePeeringCall(event())).toEqual({
      ok: true,
      call: {
        eventId: "6f3c1e52-0000-4000-8000-000000000001",
        eventName: "AcceptVpcPeeringConnection",
        account: "111122223333",
        region: "eu-west-1",
        connectionId: PCX,
      },
    });
  });

  it("reads the pcx from the acceptVpcPeeringConnectionRequest wrapper", () => {
    const wrapped = event({
      requestParameters: { acceptVpcPeeringConnectionRequest: { vpcPeeringConnectionId: PCX } },
    });
    expect(parsePeeringCall(wrapped)).toMatchObject({ ok: true, call: { connectionId: PCX } });
  });

  it("reads the pcx from responseElements.vpcPeeringConnection", () => {
    const answered = event({
      eventName: "RejectVpcPeeringConnection",
      requestParameters: {},
      responseElements: { vpcPeeringConnection: { vpcPeeringConnectionId: "pcx-09cc395f" } },
    });
    expect(parsePeeringCall(answered)).toMatchObject({
      ok: true,
      call: { connectionId: "pcx-09cc395f", eventName: "RejectVpcPeeringConnection" },
    });
  });

  it("takes the first well-formed pcx, skipping a malformed one", () => {
    const mixed = event({
      requestParameters: {
        vpcPeeringConnectionId: "pcx-NOT-HEX",
        acceptVpcPeeringConnectionRequest: { vpcPeeringConnectionId: PCX },
      },
    });
    expect(parsePeeringCall(mixed)).toMatchObject({ ok: true, call: { connectionId: PCX } });
  });

  it("drops a call without a pcx anywhere, naming the event", () => {
    for (const requestParameters of [
      {},
      null,
      "pcx",
      { vpcPeeringConnectionId: 42 },
      { vpcPeeringConnectionId: "vpc-1" },
    ]) {
      expect(parsePeeringCall(event({ requestParameters, responseElements: null }))).toEqual({
        ok: false,
        reason: "no VPC peering connection id in the call",
        eventId: "6f3c1e52-0000-4000-8000-000000000001",
      });
    }
  });

  it("ignores other calls, other sources and requests", () => {
    for (const other of [
      event({ eventName: "CreateVpcPeeringConnection" }),
      event({ eventName: "DescribeVpcPeeringConnections" }),
      event({ eventSource: "iam.amazonaws.com" }),
      event({}, { source: "com.example.ci" }),
      event({}, { "detail-type": "Peering Change Requested" }),
      event({}, { account: "not-an-account" }),
      event({}, { detail: "text" }),
    ]) {
      expect(parsePeeringCall(other)).toMatchObject({
        ok: false,
        reason: "not a CloudTrail record of an EC2 peering call",
      });
    }
  });

  it("drops a failed call (CloudTrail records those too): nothing changed", () => {
    const failed = event({
      errorCode: "Client.UnauthorizedOperation",
      errorMessage: "You are not authorized",
    });
    expect(parsePeeringCall(failed)).toMatchObject({
      ok: false,
      reason: "the call failed, so nothing changed",
    });
  });

  it("keeps no request parameter but the pcx", () => {
    const noisy = event({
      requestParameters: { vpcPeeringConnectionId: PCX, secretish: "do-not-keep-me" },
      userIdentity: { arn: "arn:aws:iam::111122223333:user/alice", accessKeyId: "AKIAEXAMPLE" },
    });
    expect(JSON.stringify(parsePeeringCall(noisy))).not.toMatch(/do-not-keep-me|alice|AKIA/);
  });

  it("never throws, whatever it is given", () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.record({ detail: fc.anything(), id: fc.anything(), source: fc.constant("aws.ec2") }),
      fc.anything().map((requestParameters) => event({ requestParameters })),
      fc.anything().map((responseElements) => event({ responseElements, requestParameters: undefined })),
      fc.dictionary(fc.string(), fc.anything()).map((envelope) => event({}, envelope)),
    );
    fc.assert(
      fc.property(anything, (value) => {
        const parsed = parsePeeringCall(value);
        expect(typeof parsed.ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });

  it("reads every event the rules' pattern lets through (Accept, Reject, Delete)", () => {
    for (const eventName of PEERING_CALLS_PATTERN.detail.eventName) {
      const call = event({ eventName });
      expect(matchesPattern(PEERING_CALLS_PATTERN, call)).toBe(true);
      expect(parsePeeringCall(call)).toMatchObject({ ok: true, call: { eventName } });
    }
    expect(matchesPattern(PEERING_CALLS_PATTERN, event({ eventName: "CreateVpcPeeringConnection" }))).toBe(
      false,
    );
  });
});
