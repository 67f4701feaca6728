/**
 * The hardening of the packaged stack (issue 12), registered by template.test.ts inside its suite so one
 * packaging serves both: runs of scripts/package.sh must not overlap.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { METRICS_NAMESPACE, STAGE_DIMENSION } from "../../src/adapters/aws/PowertoolsChangeMetrics.js";
import { PEERING_CALLS_PATTERN } from "../../src/channels/eventbridge/cloudTrailEvent.js";
import { CHANGE_EVENT_SOURCE, REQUESTED_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
import { conditionHolds, type PackagedTemplate } from "./support/packageTemplate.js";

/** What template.test.ts packaged: with the defaults, and with {@link HARDENING_PARAMS}. */
export interface PackagedStacks {
  defaults: PackagedTemplate;
  withParams: PackagedTemplate;
}

/** deploy/vpc.cjs, which serverless.yml resolves while packaging, given these params. */
type VpcResolver = (context: { resolveVariable: (name: string) => Promise<unknown> }) => Promise<unknown>;
const vpcResolver = createRequire(import.meta.url)("../../deploy/vpc.cjs") as VpcResolver;
const resolveVpc = (params: Record<string, string>) =>
  vpcResolver({ resolveVariable: async (name) => params[name.replace(/^param:(\w+).*$/, "$1")] ?? null });

export const HARDENING_PARAMS = {
  httpReservedConcurrency: "40",
  notifyReservedConcurrency: "5",
  vpcSubnetIds: "subnet-0a1b2c3d,subnet-4e5f6a7b",
  vpcSecurityGroupIds: "sg-0a1b2c3d",
  eventBusPutPrincipals: "arn:aws:iam::111122223333:role/network-pipeline",
  httpApiRateLimit: "20",
};

const FUNCTIONS = ["Http", "Recheck", "Events", "Notify", "Sweeper"].map((f) => `${f}LambdaFunction`);
const VPC_POLICY = /AWSLambdaVPCAccessExecutionRole/;

const ofType = (template: PackagedTemplate, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

function fn(template: PackagedTemplate, name: string): Record<string, unknown> {
  const resource = template.Resources[name];
  if (!resource) throw new Error(`the template has no ${name}`);
  return resource.Properties;
}

export function describeHardening(stacks: () => PackagedStacks): void {
  describe("hardening", () => {
    it("throttles the HTTP API's stage: 50 requests per second, bursts of 100, a param each", () => {
      const { defaults, withParams } = stacks();
      expect(fn(defaults, "HttpApiStage").DefaultRouteSettings).toEqual({
        DetailedMetricsEnabled: false,
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      });
      const given = fn(withParams, "HttpApiStage").DefaultRouteSettings as Record<string, unknown>;
      expect(Number(given.ThrottlingRateLimit)).toBe(20);
    });

    it("writes JSON access logs, kept 90 days, with API Gateway's facts only: no header, no query string", () => {
      const { defaults } = stacks();
      const settings = fn(defaults, "HttpApiStage").AccessLogSettings as {
        DestinationArn: unknown;
        Format: string;
      };
      expect(settings.DestinationArn).toEqual({ "Fn::GetAtt": ["HttpApiAccessLogGroup", "Arn"] });
      expect(fn(defaults, "HttpApiAccessLogGroup")).toMatchObject({ RetentionInDays: 90 });
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(Object.keys(format)).toEqual(
        expect.arrayContaining([
          "requestId",
          "ip",
          "routeKey",
          "status",
          "responseLatency",
          "integrationError",
        ]),
      );
      expect(format).toMatchObject({ requestId: "$context.requestId", ip: "$context.identity.sourceIp" });
      for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
      expect(settings.Format.toLowerCase()).not.toMatch(/authorization|header|querystring|\$context\.path\b/);
    });

    it("lets this account put events on the bus, and listed principals only requests, not as the gateway", () => {
      const { defaults, withParams } = stacks();
      const policy = fn(defaults, "ChangeEventBus").Policy as { Statement: Array<Record<string, unknown>> };
      const [account, listed, peerAccounts, ...more] = policy.Statement;
      expect(more).toEqual([]);
      // The peer accounts' forwarded CloudTrail calls (cloudTrailRules.test.ts), only when the param lists any.
      expect((peerAccounts?.["Fn::If"] as unknown[] | undefined)?.[0]).toBe("HasPeerAccountIds");
      expect(account).toMatchObject({
        Effect: "Allow",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's ${AWS::…} syntax
        Principal: { AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" } },
        Action: "events:PutEvents",
      });
      expect(JSON.stringify(account?.Resource)).toContain(":event-bus/atlas-peering-gateway-dev");
      const [condition, statement, otherwise] = (listed?.["Fn::If"] ?? []) as Array<Record<string, unknown>>;
      expect(condition).toBe("HasEventBusPutPrincipals");
      expect(otherwise).toEqual({ Ref: "AWS::NoValue" });
      expect(statement).toMatchObject({
        Effect: "Allow",
        Action: "events:PutEvents",
        Condition: {
          StringEquals: { "events:detail-type": REQUESTED_DETAIL_TYPE },
          StringNotEquals: { "events:source": CHANGE_EVENT_SOURCE },
        },
      });
      // Nobody is listed unless the param names someone.
      expect(conditionHolds(defaults, "HasEventBusPutPrincipals")).toBe(false);
      expect(conditionHolds(withParams, "HasEventBusPutPrincipals")).toBe(true);
      expect(JSON.stringify(fn(withParams, "ChangeEventBus").Policy)).toContain("role/network-pipeline");
    });

    it("feeds the events function 'Peering Change Requested' events and EC2 peering calls, nothing else", () => {
      const rules = ofType(stacks().defaults, "AWS::Events::Rule").map(([, r]) => r.Properties);
      const toEvents = rules.filter((r) => JSON.stringify(r.Targets).includes("EventsLambdaFunction"));
      // The CloudTrail rules (this account's default bus, peer accounts' forwarded): cloudTrailRules.test.ts.
      expect(toEvents.map((r) => r.EventPattern)).toEqual([
        { "detail-type": [REQUESTED_DETAIL_TYPE] },
        PEERING_CALLS_PATTERN,
        { ...PEERING_CALLS_PATTERN, account: { "Fn::Split": [",", ""] } },
      ]);
    });

    it("gives every function its stage, and every alarm on a custom metric the Stage dimension", () => {
      const { defaults } = stacks();
      for (const name of FUNCTIONS) {
        const env = (fn(defaults, name).Environment as { Variables: Record<string, unknown> }).Variables;
        expect(env.STAGE, name).toBe("dev");
      }
      const custom = ofType(defaults, "AWS::CloudWatch::Alarm").filter(
        ([, a]) => a.Properties.Namespace === METRICS_NAMESPACE,
      );
      expect(custom.map(([name]) => name).sort()).toEqual([
        "AtlasCredentialsRefusedAlarm",
        "PendingTooLongAlarm",
        "UnauthenticatedRequestsAlarm",
      ]);
      const flood = custom.find(([name]) => name === "UnauthenticatedRequestsAlarm")?.[1];
      expect(flood?.Properties).toMatchObject({ MetricName: "UnauthenticatedRequests", Statistic: "Sum" });
      for (const [name, alarm] of custom) {
        expect(alarm.Properties.Dimensions, name).toEqual([
          { Name: "service", Value: "atlas-peering-gateway" },
          { Name: STAGE_DIMENSION, Value: "dev" },
        ]);
      }
    });

    it("reserves no concurrency and puts no function in a VPC by default", () => {
      const { defaults } = stacks();
      for (const name of FUNCTIONS) {
        expect(fn(defaults, name), name).not.toHaveProperty("ReservedConcurrentExecutions");
        expect(fn(defaults, name), name).not.toHaveProperty("VpcConfig");
      }
      for (const [name, role] of ofType(defaults, "AWS::IAM::Role")) {
        expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? []), name).not.toMatch(VPC_POLICY);
      }
    });

    it("reserves concurrency for the functions named by params, and no other", () => {
      const reserved = Object.fromEntries(
        FUNCTIONS.map((name) => [name, fn(stacks().withParams, name).ReservedConcurrentExecutions]),
      );
      expect(reserved).toEqual({
        HttpLambdaFunction: 40,
        RecheckLambdaFunction: undefined,
        EventsLambdaFunction: undefined,
        NotifyLambdaFunction: 5,
        SweeperLambdaFunction: undefined,
      });
    });

    it("with a VPC, puts every function in it and lets each function's role manage its network interfaces", () => {
      const { withParams } = stacks();
      for (const name of FUNCTIONS) {
        expect(fn(withParams, name).VpcConfig, name).toEqual({
          SubnetIds: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
          SecurityGroupIds: ["sg-0a1b2c3d"],
        });
        const role = (fn(withParams, name).Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
        expect(JSON.stringify(fn(withParams, role).ManagedPolicyArns), name).toMatch(VPC_POLICY);
      }
    });

    it("refuses subnets without security groups, and the reverse, while packaging", async () => {
      const refusal = "vpcSubnetIds and vpcSecurityGroupIds go together";
      await expect(resolveVpc({ vpcSubnetIds: "subnet-0a1b2c3d" })).rejects.toThrow(refusal);
      await expect(resolveVpc({ vpcSecurityGroupIds: "sg-0a1b2c3d" })).rejects.toThrow(refusal);
      await expect(resolveVpc({ vpcSubnetIds: " ", vpcSecurityGroupIds: "" })).resolves.toEqual({
        vpc: null,
        managedPolicyArns: [],
      });
    });
  });
}
