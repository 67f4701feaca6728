import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { PEER_SIDE_EC2_ACTIONS } from "../../../src/domain/accepter/remediation.js";

/** js-yaml comes with serverless; the template uses long-form intrinsics, so its default schema reads it. */
const yaml = createRequire(import.meta.url)("js-yaml") as { load(text: string): unknown };

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Template {
  Parameters: Record<string, { Type: string; AllowedPattern?: string; MinLength?: number }>;
  Resources: {
    AccepterRole: {
      Properties: {
        AssumeRolePolicyDocument: { Statement: Statement[] };
        Policies: {
          PolicyDocument: { Statement: (Statement | { "Fn::If": [string, Statement, unknown] })[] };
        }[];
      };
    };
  };
  Outputs: Record<string, unknown>;
}

const template = yaml.load(
  readFileSync(new URL("../../../deploy/accepter-role.yml", import.meta.url), "utf8"),
) as Template;
const role = template.Resources.AccepterRole.Properties;
/** The policy's statements, the conditional one (named security groups) included. */
const statements: Statement[] = role.Policies.flatMap((policy) =>
  policy.PolicyDocument.Statement.map((s) => ("Fn::If" in s ? s["Fn::If"][1] : s)),
);
/** `${name}`: a Fn::Sub placeholder, written so it is not a template literal. */
const ref = (name: string) => `\${${name}}`;
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const isRead = (action: string) => /^ec2:Describe/.test(action);

describe("deploy/accepter-role.yml", () => {
  it("trusts only the gateway's role, and only with the stack's ExternalId", () => {
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: "GatewayWithExternalId",
        Effect: "Allow",
        Principal: { AWS: { Ref: "GatewayRoleArn" } },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": { Ref: "ExternalId" } } },
      },
    ]);
    expect(template.Parameters.ExternalId).toMatchObject({
      MinLength: 2,
      AllowedPattern: "^[\\w+=,.@:/-]+$",
    });
  });

  it("grants exactly the EC2 calls the gateway makes, and no wildcard action", () => {
    const granted = new Set(statements.flatMap(actionsOf));
    expect([...granted].sort()).toEqual(PEER_SIDE_EC2_ACTIONS.map((a) => `ec2:${a}`).sort());
    for (const action of granted) expect(action).not.toMatch(/\*/);
  });

  it('never grants a mutating action on Resource "*"', () => {
    for (const statement of statements) {
      if (actionsOf(statement).every(isRead)) continue;
      expect(JSON.stringify(statement.Resource), statement.Sid).not.toBe('"*"');
      expect(statement.Effect).toBe("Allow");
    }
  });

  it("accepts only requests from Atlas's AWS account into the stack's VPC", () => {
    const accept = statements.find((s) => s.Sid === "AcceptOnlyFromAtlasIntoThisVpc");
    expect(accept?.Condition?.ArnLike?.["ec2:RequesterVpc"]).toEqual({
      "Fn::Sub": `arn:${ref("AWS::Partition")}:ec2:*:${ref("AtlasAwsAccountId")}:vpc/*`,
    });
    expect(JSON.stringify(accept?.Condition?.ArnEquals?.["ec2:AccepterVpc"])).toContain(
      `vpc/${ref("VpcId")}`,
    );
  });

  it("scopes routes to the VPC's route tables and ingress to the named groups", () => {
    const routes = statements.find((s) => s.Sid === "RoutesInThisVpcOnly");
    expect(JSON.stringify(routes?.Condition?.ArnEquals?.["ec2:Vpc"])).toContain(`vpc/${ref("VpcId")}`);
    const ingress = statements.find((s) => s.Sid === "MongoDbPortsInNamedGroupsOnly");
    const params = {
      SecurityGroupIds: ["sg-0aaa", "sg-0bbb"],
      "AWS::Partition": "aws",
      "AWS::Region": "eu-west-2",
      "AWS::AccountId": "111122223333",
    };
    expect(resolve(ingress?.Resource, params)).toEqual([
      "arn:aws:ec2:eu-west-2:111122223333:security-group/sg-0aaa",
      "arn:aws:ec2:eu-west-2:111122223333:security-group/sg-0bbb",
    ]);
  });

  it("outputs the awsAccounts entry the gateway's registry takes", () => {
    expect(JSON.stringify(template.Outputs.AwsAccountsEntry)).toContain(
      `\\"externalId\\": \\"${ref("ExternalId")}\\"`,
    );
  });
});

/** Just enough of CloudFormation's intrinsics (Ref, Fn::Sub, Fn::Join, Fn::Split) to evaluate a Resource. */
function resolve(node: unknown, params: Record<string, string | string[]>): unknown {
  if (typeof node !== "object" || node === null) return node;
  const value = node as Record<string, unknown>;
  if ("Ref" in value) return params[String(value.Ref)];
  if ("Fn::Join" in value) {
    const [separator, list] = value["Fn::Join"] as [unknown, unknown];
    return (resolve(list, params) as string[]).join(String(resolve(separator, params)));
  }
  if ("Fn::Split" in value) {
    const [separator, text] = value["Fn::Split"] as [string, unknown];
    return String(resolve(text, params)).split(separator);
  }
  if ("Fn::Sub" in value) {
    const sub = value["Fn::Sub"];
    const [text, vars] = Array.isArray(sub) ? (sub as [string, Record<string, unknown>]) : [String(sub), {}];
    const local = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(resolve(v, params))]));
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(local[name] ?? params[name]));
  }
  return node;
}
