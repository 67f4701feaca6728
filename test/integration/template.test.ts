import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { functionOf, roleStatements } from "../../local/lambda/functions.js";
import { isAllowed } from "../../local/lambda/iam.js";
import type { Template } from "../../local/lambda/template.js";
import { type PackagedTemplate, packageWithParams } from "./support/packageTemplate.js";
import { describeHardening, HARDENING_PARAMS, type PackagedStacks } from "./templateHardening.js";

const run = promisify(execFile);

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;
let stacks: PackagedStacks;

/** A resource's properties; fails the test when the resource is missing. */
function props<T>(name: string): T {
  const resource = resources[name];
  if (!resource) throw new Error(`the template has no ${name}`);
  return resource.Properties as T;
}

/** Every IAM statement in the template's roles. */
function statements(): Array<{ Effect: string; Action: string | string[]; Resource: unknown }> {
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::IAM::Role")
    .flatMap((role) => (role.Properties.Policies as Array<{ PolicyDocument: { Statement: never[] } }>) ?? [])
    .flatMap((policy) => policy.PolicyDocument.Statement);
}

describe("serverless package (offline, no AWS credentials)", () => {
  beforeAll(async () => {
    // The params' run first, into a folder of its own: the default run last leaves .serverless as
    // `npm run package` does. Runs cannot overlap (each clears .serverless and .esbuild).
    const withParams = await packageWithParams(HARDENING_PARAMS);
    // No AWS credentials in the environment: packaging must not need them.
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", CI: "true" };
    await run("bash", ["scripts/package.sh"], { env, timeout: 180_000 });
    const template = JSON.parse(
      await readFile(".serverless/cloudformation-template-update-stack.json", "utf8"),
    );
    resources = template.Resources;
    stacks = { defaults: template as PackagedTemplate, withParams };
  }, 400_000);

  it("serves every route from the http function through an HTTP API", () => {
    const routes = Object.values(resources)
      .filter((r) => r.Type === "AWS::ApiGatewayV2::Route")
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(routes).toEqual([
      "DELETE /v1/peering-changes/{id}",
      "GET /api/atlas/v1.0/groups/{groupId}/peers",
      "GET /api/atlas/v1.0/groups/{groupId}/peers/{peerId}",
      "GET /api/atlas/v2/groups/{groupId}/peers",
      "GET /api/atlas/v2/groups/{groupId}/peers/{peerId}",
      "GET /v1/audit",
      "GET /v1/openapi.json",
      "GET /v1/peering-changes",
      "GET /v1/peering-changes/{id}",
      "GET /v1/peerings",
      "PATCH /api/atlas/v1.0/groups/{groupId}/peers/{peerId}",
      "PATCH /api/atlas/v2/groups/{groupId}/peers/{peerId}",
      "POST /v1/peering-changes",
      "POST /v1/slack/commands",
    ]);
    expect(resources.HttpApi?.Properties.ProtocolType).toBe("HTTP");
  });

  it("runs every function on nodejs22.x, arm64, as an ESM bundle", () => {
    const functions = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::Function");
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(String(fn.Properties.Handler)).toMatch(/^handlers\/\w+\.handler$/);
    }
  });

  it("lets the functions read only the gateway's secrets, and never grants '*'", () => {
    const secretStatements = statements().filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("secretsmanager:")),
    );
    expect(secretStatements.length).toBeGreaterThan(0);
    for (const statement of secretStatements) {
      expect([statement.Action].flat()).toEqual(["secretsmanager:GetSecretValue"]);
      expect(JSON.stringify(statement.Resource)).toContain(":secret:atlas-peering-gateway/dev/*");
    }
    for (const s of statements()) {
      expect([s.Action].flat()).not.toContain("*");
      expect([s.Action].flat().some((a) => a.endsWith(":*"))).toBe(false);
      expect([s.Resource].flat()).not.toContain("*");
    }
  });

  it("keeps changes in an on-demand table with TTL, point-in-time recovery and the sweeper's index", () => {
    const table = resources.ChangesTable?.Properties as Record<string, unknown>;
    expect(table).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    const indexes = table.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown }>;
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(["byProject", "due"]);
  });

  it("matches the table the code creates locally", async () => {
    const { changeTableDefinition } = await import("../../src/adapters/aws/dynamodb/table.js");
    const local = changeTableDefinition("x");
    const table = resources.ChangesTable?.Properties as Record<string, unknown>;
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect(new Set(table.AttributeDefinitions as unknown[])).toEqual(new Set(local.AttributeDefinitions));
    expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
  });

  it("lets Scheduler, for this account only, invoke nothing but the recheck function", () => {
    const role = resources.SchedulerInvokeRole?.Properties as {
      AssumeRolePolicyDocument: { Statement: Array<Record<string, unknown>> };
      Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string; Resource: unknown }> } }>;
    };
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
      },
    ]);
    const grants = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(grants.map((g) => g.Action).sort()).toEqual(["lambda:InvokeFunction", "sqs:SendMessage"]);
    const invoke = JSON.stringify(grants.find((g) => g.Action === "lambda:InvokeFunction")?.Resource);
    expect(invoke).toContain("function:atlas-peering-gateway-dev-recheck");
    expect(invoke).not.toContain("-http");
  });

  it("declares the recheck and sweeper functions, the schedule group, the event bus and the DLQs", () => {
    expect(resources.RecheckLambdaFunction?.Type).toBe("AWS::Lambda::Function");
    expect(resources.SweeperLambdaFunction?.Type).toBe("AWS::Lambda::Function");
    expect(resources.RecheckScheduleGroup?.Type).toBe("AWS::Scheduler::ScheduleGroup");
    expect(resources.ChangeEventBus?.Type).toBe("AWS::Events::EventBus");
    const rule = Object.values(resources).find(
      (r) => r.Type === "AWS::Events::Rule" && "ScheduleExpression" in r.Properties,
    );
    expect(rule?.Properties.ScheduleExpression).toBe("rate(5 minutes)");
    expect(resources.SweeperLambdaEvConf?.Type).toBe("AWS::Lambda::EventInvokeConfig");
    const env = props<{ Environment: { Variables: Record<string, unknown> } }>("RecheckLambdaFunction")
      .Environment.Variables;
    expect(env.RECHECK_DLQ_ARN).toEqual({ "Fn::GetAtt": ["RecheckDeadLetterQueue", "Arn"] });
  });

  it("feeds 'Peering Change Requested' events from the gateway's bus to the events function, with a DLQ", () => {
    const rule = Object.values(resources).find(
      (r) =>
        r.Type === "AWS::Events::Rule" &&
        JSON.stringify(r.Properties.EventPattern ?? "").includes("Requested"),
    );
    expect(rule?.Properties).toMatchObject({
      EventBusName: { Ref: "ChangeEventBus" },
      EventPattern: { "detail-type": ["Peering Change Requested"] },
    });
    const [target] = (rule?.Properties.Targets ?? []) as Array<Record<string, unknown>>;
    expect(target).toMatchObject({
      Arn: { "Fn::GetAtt": ["EventsLambdaFunction", "Arn"] },
      DeadLetterConfig: { Arn: { "Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"] } },
    });
    const onFailure = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::EventInvokeConfig");
    expect(JSON.stringify(onFailure)).toContain("EventsDeadLetterQueue");
    const policy = props<{
      PolicyDocument: { Statement: Array<{ Principal: unknown; Condition: unknown }> };
    }>("EventsDeadLetterQueuePolicy");
    expect(policy.PolicyDocument.Statement[0]).toMatchObject({
      Principal: { Service: "events.amazonaws.com" },
    });
    expect(JSON.stringify(policy.PolicyDocument.Statement[0]?.Condition)).toContain(
      "rule/atlas-peering-gateway-dev/*",
    );
  });

  it("gives each function only what it calls: only the http function may delete schedules", () => {
    const actionsOf = (role: string) =>
      props<{ Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string | string[] }> } }> }>(
        role,
      )
        .Policies.flatMap((p) => p.PolicyDocument.Statement)
        .flatMap((s) => [s.Action].flat());
    expect(actionsOf("HttpRole")).toContain("scheduler:DeleteSchedule");
    expect(actionsOf("RecheckRole")).not.toContain("scheduler:DeleteSchedule");
    expect(actionsOf("EventsRole")).not.toContain("scheduler:DeleteSchedule");
    for (const role of ["HttpRole", "RecheckRole", "EventsRole"]) {
      expect(actionsOf(role)).toEqual(
        expect.arrayContaining([
          "scheduler:CreateSchedule",
          "iam:PassRole",
          "events:PutEvents",
          "dynamodb:PutItem",
        ]),
      );
      expect(actionsOf(role)).not.toContain("dynamodb:Scan");
    }
  });

  it("lets only the recheck and sweeper functions assume the peers' accepter roles (issue 14)", () => {
    const template = stacks.defaults as unknown as Template;
    const assume = (role: string, roleArn: string) =>
      isAllowed(roleStatements(template, role), { action: "sts:AssumeRole", resource: roleArn });
    const accepter = "arn:aws:iam::111122223333:role/atlas-peering-accepter";
    for (const fn of ["recheck", "sweeper"])
      expect(functionOf(template, fn).roleLogicalId).toBe("RecheckRole");
    expect(assume("RecheckRole", accepter)).toBe(true);
    expect(assume("RecheckRole", "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole")).toBe(false);
    for (const role of ["HttpRole", "EventsRole", "NotifyRole"]) expect(assume(role, accepter)).toBe(false);
  });

  it("alarms on every function's errors and throttles, every DLQ's depth, and changes pending too long", () => {
    const alarms = Object.values(resources).filter((r) => r.Type === "AWS::CloudWatch::Alarm");
    const watched = (metric: string) =>
      alarms
        .filter((a) => a.Properties.MetricName === metric)
        .map((a) => JSON.stringify(a.Properties.Dimensions));
    for (const fn of ["Http", "Recheck", "Events", "Notify", "Sweeper"]) {
      expect(watched("Errors")).toContain(
        JSON.stringify([{ Name: "FunctionName", Value: { Ref: `${fn}LambdaFunction` } }]),
      );
      expect(watched("Throttles")).toContain(
        JSON.stringify([{ Name: "FunctionName", Value: { Ref: `${fn}LambdaFunction` } }]),
      );
    }
    const queues = Object.entries(resources)
      .filter(([, r]) => r.Type === "AWS::SQS::Queue")
      .map(([name]) => name);
    expect(queues.length).toBe(4);
    for (const queue of queues) expect(watched("ApproximateNumberOfMessagesVisible").join()).toContain(queue);
    expect(alarms.find((a) => a.Properties.MetricName === "PendingChangeAge")?.Properties).toMatchObject({
      Namespace: "AtlasPeeringGateway",
      Statistic: "Maximum",
      Threshold: 86400,
    });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: "AlarmTopic" }]);
  });

  it("puts a DLQ behind every asynchronous target", () => {
    const invokeConfigs = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::EventInvokeConfig");
    const onFailure = invokeConfigs.map((c) => JSON.stringify(c.Properties));
    expect(
      onFailure.some((c) => c.includes("SweeperLambdaFunction") && c.includes("SweeperDeadLetterQueue")),
    ).toBe(true);
    expect(
      onFailure.some((c) => c.includes("EventsLambdaFunction") && c.includes("EventsDeadLetterQueue")),
    ).toBe(true);
    // Re-check schedules are created at run time; each carries this DLQ (EventBridgeRecheckScheduler).
    const env = props<{ Environment: { Variables: Record<string, unknown> } }>("HttpLambdaFunction")
      .Environment.Variables;
    expect(env.RECHECK_DLQ_ARN).toEqual({ "Fn::GetAtt": ["RecheckDeadLetterQueue", "Arn"] });
  });

  it("gives each asynchronously invoked function bounded retries and an SQS on-failure destination", () => {
    const invokeConfigs = Object.values(resources).filter((r) => r.Type === "AWS::Lambda::EventInvokeConfig");
    const configOf = (fn: string) =>
      invokeConfigs.find((c) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fn }))
        ?.Properties;
    for (const [fn, queue, retries] of [
      // Scheduler's DLQ only gets invocations it could not hand over: a re-check that throws needs this one.
      ["RecheckLambdaFunction", "RecheckDeadLetterQueue", 2],
      ["EventsLambdaFunction", "EventsDeadLetterQueue", 2],
      // Not retried: the next sweep, 5 minutes later, does the same work.
      ["SweeperLambdaFunction", "SweeperDeadLetterQueue", 0],
    ] as const) {
      expect(configOf(fn), fn).toEqual({
        FunctionName: { Ref: fn },
        Qualifier: "$LATEST",
        MaximumRetryAttempts: retries,
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queue, "Arn"] } } },
      });
    }
  });

  it("lets each function's role send to its on-failure destination", () => {
    const sendsTo = (role: string) =>
      props<{
        Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } }>;
      }>(role)
        .Policies.flatMap((p) => p.PolicyDocument.Statement)
        .filter((s) => [s.Action].flat().includes("sqs:SendMessage"))
        .flatMap((s) => [s.Resource].flat());
    const functionsOf = (role: string) =>
      Object.entries(resources)
        .filter(
          ([, r]) => r.Type === "AWS::Lambda::Function" && JSON.stringify(r.Properties.Role).includes(role),
        )
        .map(([name]) => name)
        .sort();
    // The sweeper runs as the recheck function's role, so that role may send to both queues.
    expect(functionsOf("RecheckRole")).toEqual(["RecheckLambdaFunction", "SweeperLambdaFunction"]);
    expect(functionsOf("EventsRole")).toEqual(["EventsLambdaFunction"]);
    expect(sendsTo("RecheckRole")).toEqual(
      expect.arrayContaining([
        { "Fn::GetAtt": ["RecheckDeadLetterQueue", "Arn"] },
        { "Fn::GetAtt": ["SweeperDeadLetterQueue", "Arn"] },
      ]),
    );
    expect(sendsTo("EventsRole")).toContainEqual({ "Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"] });
    expect(sendsTo("HttpRole")).toEqual([]);
  });

  it("alarms on the HTTP API's 5xx answers, which include the 5xx the http function handles itself", () => {
    expect(props("HttpApi5xxAlarm")).toEqual({
      AlarmDescription: expect.any(String),
      Namespace: "AWS/ApiGateway",
      MetricName: "5xx",
      Dimensions: [{ Name: "ApiId", Value: { Ref: "HttpApi" } }],
      Statistic: "Sum",
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: "AlarmTopic" }],
    });
    expect(resources.HttpApi?.Type).toBe("AWS::ApiGatewayV2::Api");
  });

  it("alarms on Atlas refusing the gateway's own credentials", () => {
    expect(props("AtlasCredentialsRefusedAlarm")).toMatchObject({
      Namespace: "AtlasPeeringGateway",
      MetricName: "AtlasCredentialsRefused",
      Dimensions: [
        { Name: "service", Value: "atlas-peering-gateway" },
        { Name: "Stage", Value: "dev" },
      ],
      Statistic: "Sum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [{ Ref: "AlarmTopic" }],
    });
  });

  it("tells the function where its secrets are", () => {
    const fn = resources.HttpLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    expect(fn.Environment.Variables).toMatchObject({
      ATLAS_SECRET_ID: "atlas-peering-gateway/dev/atlas",
      CALLERS_SECRET_ID: "atlas-peering-gateway/dev/callers",
      POLICY_SECRET_ID: "atlas-peering-gateway/dev/policy",
    });
  });

  describeHardening(() => stacks);
});
