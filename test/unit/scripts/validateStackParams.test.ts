import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Template } from "../../../local/lambda/template.js";
import {
  formatProblems,
  functionEnvironments,
  paramsByVariable,
  validateStackParams,
} from "../../../scripts/validate-stack-params.js";

/** What serverless.yml's provider environment looks like: the lines the parameter map is read from. */
const SERVERLESS_YML = `
provider:
  environment:
    ATLAS_SECRET_ID: \${param:atlasSecretName}
    ATLAS_BASE_URL: \${param:atlasBaseUrl}
    SECRETS_MAX_AGE_SECONDS: "300"
    CHANGES_TABLE: !Ref ChangesTable
    CHANGE_DEADLINE_HOURS: \${param:changeDeadlineHours}
`;

/** A packaged template with two functions and the intrinsics serverless writes into their environment. */
function template(overrides: Record<string, string> = {}): Template {
  const variables = {
    ATLAS_SECRET_ID: "atlas-peering-gateway/dev/atlas",
    CALLERS_SECRET_ID: "atlas-peering-gateway/dev/callers",
    ATLAS_BASE_URL: "https://cloud.mongodb.com",
    CHANGE_DEADLINE_HOURS: "168",
    SECRETS_MAX_AGE_SECONDS: "300",
    CHANGES_TABLE: { Ref: "ChangesTable" },
    SCHEDULE_GROUP: { Ref: "RecheckScheduleGroup" },
    RECHECK_FUNCTION_ARN: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's ${AWS::…} syntax
      "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:gw-dev-recheck",
    },
    SCHEDULER_ROLE_ARN: { "Fn::GetAtt": ["SchedulerInvokeRole", "Arn"] },
    RECHECK_DLQ_ARN: { "Fn::GetAtt": ["RecheckDeadLetterQueue", "Arn"] },
    ...overrides,
  };
  const fn = { Type: "AWS::Lambda::Function", Properties: { Environment: { Variables: variables } } };
  return {
    Resources: {
      HttpLambdaFunction: fn,
      RecheckLambdaFunction: fn,
      ChangesTable: { Type: "AWS::DynamoDB::Table", Properties: { TableName: "gw-dev-changes" } },
      RecheckScheduleGroup: { Type: "AWS::Scheduler::ScheduleGroup", Properties: { Name: "gw-dev" } },
      SchedulerInvokeRole: { Type: "AWS::IAM::Role", Properties: {} },
      RecheckDeadLetterQueue: { Type: "AWS::SQS::Queue", Properties: { QueueName: "gw-dev-recheck-dlq" } },
    },
  };
}

const params = paramsByVariable(SERVERLESS_YML);

describe("package-time validation of the stack parameters", () => {
  it("maps each environment variable to the serverless.yml param that sets it", () => {
    expect(Object.fromEntries(params)).toEqual({
      ATLAS_SECRET_ID: "atlasSecretName",
      ATLAS_BASE_URL: "atlasBaseUrl",
      CHANGE_DEADLINE_HOURS: "changeDeadlineHours",
    });
  });

  it("reads the real serverless.yml's parameters", () => {
    const real = paramsByVariable(readFileSync("serverless.yml", "utf8"));
    expect(real.get("ATLAS_BASE_URL")).toBe("atlasBaseUrl");
    expect(real.get("CHANGE_DEADLINE_HOURS")).toBe("changeDeadlineHours");
    expect(real.get("RECHECK_DELAY_SECONDS")).toBe("recheckDelaySeconds");
    expect(real.get("ATLAS_SECRET_IDS_BY_PROJECT")).toBe("atlasSecretIdsByProject");
  });

  it("resolves Ref, Fn::GetAtt and Fn::Sub to the names and ARNs the stack would have", () => {
    const [[, environment] = ["", {}]] = functionEnvironments(template());
    expect(environment).toMatchObject({
      CHANGES_TABLE: "gw-dev-changes",
      SCHEDULE_GROUP: "gw-dev",
      RECHECK_FUNCTION_ARN: expect.stringMatching(
        /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:gw-dev-recheck$/,
      ),
      RECHECK_DLQ_ARN: expect.stringMatching(/^arn:aws:sqs:.*:gw-dev-recheck-dlq$/),
    });
  });

  it("passes a template whose functions would start", () => {
    expect(validateStackParams(template(), params)).toEqual([]);
  });

  it("passes an intrinsic it cannot resolve with a placeholder instead of failing", () => {
    const odd = template({
      SCHEDULER_ROLE_ARN: { "Fn::GetAtt": ["SchedulerInvokeRole", "RoleId"] },
    } as never);
    expect(validateStackParams(odd, params)).toEqual([]);
  });

  it("names atlasBaseUrl for a URL that is not http(s), once for all the functions", () => {
    const problems = validateStackParams(template({ ATLAS_BASE_URL: "ftp://x" }), params);
    expect(problems).toEqual([
      {
        variable: "ATLAS_BASE_URL",
        param: "atlasBaseUrl",
        inTemplate: true,
        message: "must be an http:// or https:// URL",
        functions: ["HttpLambdaFunction", "RecheckLambdaFunction"],
      },
    ]);
    expect(formatProblems(problems)).toContain(
      "stack parameter atlasBaseUrl (ATLAS_BASE_URL of HttpLambdaFunction, RecheckLambdaFunction): must be an http:// or https:// URL",
    );
    expect(formatProblems(problems, 2)).toContain("(ATLAS_BASE_URL of every function): must be");
  });

  it.each([
    ["-1", "must be a positive number"],
    ["abc", "must be a number"],
  ])("names changeDeadlineHours for %s", (value, message) => {
    const problems = validateStackParams(template({ CHANGE_DEADLINE_HOURS: value }), params);
    expect(problems.map((p) => [p.param, p.variable, p.message])).toEqual([
      ["changeDeadlineHours", "CHANGE_DEADLINE_HOURS", message],
    ]);
  });

  it("reports every bad variable at once, and says which are not parameters", () => {
    const problems = validateStackParams(
      template({ ATLAS_BASE_URL: "not-a-url", CHANGE_DEADLINE_HOURS: "0", SECRETS_MAX_AGE_SECONDS: "soon" }),
      params,
    );
    const report = formatProblems(problems);
    expect(report).toMatch(/stack parameter atlasBaseUrl \(ATLAS_BASE_URL/);
    expect(report).toMatch(/stack parameter changeDeadlineHours \(CHANGE_DEADLINE_HOURS/);
    expect(report).toMatch(
      /SECRETS_MAX_AGE_SECONDS of .* \(its value in serverless\.yml\): must be a number/,
    );
  });

  it("says a required variable the template does not set is required", () => {
    const unset = template();
    const fn = unset.Resources.HttpLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const { CALLERS_SECRET_ID: _dropped, ...rest } = fn.Environment.Variables;
    unset.Resources.HttpLambdaFunction = {
      Type: "AWS::Lambda::Function",
      Properties: { Environment: { Variables: rest } },
    };
    const problems = validateStackParams(unset, params);
    expect(formatProblems(problems)).toContain(
      "CALLERS_SECRET_ID of HttpLambdaFunction (not set by serverless.yml): is required",
    );
  });
});
