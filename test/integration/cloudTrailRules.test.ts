import { beforeAll, describe, expect, it } from "vitest";
import {
  CLOUDTRAIL_DETAIL_TYPE,
  EC2_EVENT_SOURCE,
  PEERING_CALLS_PATTERN,
} from "../../src/channels/eventbridge/cloudTrailEvent.js";
import { conditionHolds, type PackagedTemplate, packageWithParams } from "./support/packageTemplate.js";

/**
 * The CloudTrail rules of the packaged stack (issue 14): a person's accept, reject or delete of a VPC peering
 * connection reaches the events function from this account's default bus, and from the peer accounts listed
 * in `peerAccountIds` through the gateway's bus, whose policy lets those accounts forward exactly those events.
 * Packaged twice, one after the other (runs of scripts/package.sh must not overlap).
 */

const PEERS = "111122223333,444455556666";
let defaults: PackagedTemplate;
let withPeers: PackagedTemplate;

type Rule = {
  EventBusName?: unknown;
  EventPattern: Record<string, unknown>;
  Targets: Array<Record<string, unknown>>;
};

/** The rules whose pattern asks for EC2's CloudTrail records. */
function cloudTrailRules(template: PackagedTemplate): Rule[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === "AWS::Events::Rule")
    .map((r) => r.Properties as unknown as Rule)
    .filter((r) => JSON.stringify(r.EventPattern ?? "").includes(CLOUDTRAIL_DETAIL_TYPE));
}

/** The bus policy's peer-account statement: [condition, statement, otherwise]. */
function peerStatement(template: PackagedTemplate): unknown[] {
  const policy = template.Resources.ChangeEventBus?.Properties.Policy as { Statement: unknown[] };
  const found = policy.Statement.find((s) => JSON.stringify(s).includes("HasPeerAccountIds"));
  return ((found as Record<string, unknown[]> | undefined)?.["Fn::If"] ?? []) as unknown[];
}

describe("the CloudTrail rules of the events function (serverless package, offline)", () => {
  beforeAll(async () => {
    withPeers = await packageWithParams({ peerAccountIds: PEERS });
    defaults = await packageWithParams({});
  }, 400_000);

  it("takes this account's Accept/Reject/Delete VpcPeeringConnection calls from the default bus", () => {
    const own = cloudTrailRules(defaults).filter((r) => r.EventBusName === undefined);
    expect(own.map((r) => r.EventPattern)).toEqual([PEERING_CALLS_PATTERN]);
    expect(PEERING_CALLS_PATTERN).toEqual({
      source: ["aws.ec2"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: {
        eventSource: ["ec2.amazonaws.com"],
        eventName: ["AcceptVpcPeeringConnection", "RejectVpcPeeringConnection", "DeleteVpcPeeringConnection"],
      },
    });
    expect(own[0]?.Targets[0]).toMatchObject({
      Arn: { "Fn::GetAtt": ["EventsLambdaFunction", "Arn"] },
      DeadLetterConfig: { Arn: { "Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"] } },
    });
  });

  it("takes the listed peer accounts' forwarded calls on the gateway's bus, matched on account", () => {
    const forwarded = cloudTrailRules(withPeers).filter((r) => r.EventBusName !== undefined);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toMatchObject({
      EventBusName: { Ref: "ChangeEventBus" },
      EventPattern: { ...PEERING_CALLS_PATTERN, account: { "Fn::Split": [",", PEERS] } },
    });
    expect(JSON.stringify(forwarded[0]?.Targets)).toContain("EventsLambdaFunction");
    // Without peer accounts the rule's account list is [""]: no event's 12-digit account matches it.
    const none = cloudTrailRules(defaults).find((r) => r.EventBusName !== undefined);
    expect(none?.EventPattern.account).toEqual({ "Fn::Split": [",", ""] });
  });

  it("lets only the listed peer accounts forward, and only EC2's CloudTrail records", () => {
    const [condition, statement, otherwise] = peerStatement(withPeers);
    expect(condition).toBe("HasPeerAccountIds");
    expect(otherwise).toEqual({ Ref: "AWS::NoValue" });
    expect(statement).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: { "Fn::Split": [",", PEERS] } },
      Action: "events:PutEvents",
      Condition: {
        StringEquals: { "events:source": EC2_EVENT_SOURCE, "events:detail-type": CLOUDTRAIL_DETAIL_TYPE },
      },
    });
    expect(JSON.stringify((statement as { Resource: unknown }).Resource)).toContain(
      ":event-bus/atlas-peering-gateway-dev",
    );
    expect(conditionHolds(withPeers, "HasPeerAccountIds")).toBe(true);
    expect(conditionHolds(defaults, "HasPeerAccountIds")).toBe(false);
  });

  it("lets the default-bus rule dead-letter into the events DLQ", () => {
    const policy = defaults.Resources.EventsDeadLetterQueuePolicy?.Properties as {
      PolicyDocument: { Statement: Array<{ Condition: unknown }> };
    };
    const arns = JSON.stringify(policy.PolicyDocument.Statement[0]?.Condition);
    expect(arns).toContain(":rule/atlas-peering-gateway-dev/*");
    expect(arns).toContain(":rule/atlas-peering-gateway-dev-events-*");
    const own = cloudTrailRules(defaults).find((r) => r.EventBusName === undefined) as unknown as {
      Name: string;
    };
    expect(own.Name).toMatch(/^atlas-peering-gateway-dev-events-/);
  });
});
