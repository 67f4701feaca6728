import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

/** Every IAM statement in the template's roles. */
function statements(): Array<{ Effect: string; Action: string | string[]; Resource: unknown }> {
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::IAM::Role")
    .flatMap((role) => (role.Properties.Policies as Array<{ PolicyDocument: { Statement: never[] } }>) ?? [])
    .flatMap((policy) => policy.PolicyDocument.Statement);
}

describe("serverless package (offline, no AWS credentials)", () => {
  beforeAll(async () => {
    // No AWS credentials in the environment: packaging must not need them.
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", CI: "true" };
    await run("bash", ["scripts/package.sh"], { env, timeout: 120_000 });
    const template = JSON.parse(
      await readFile(".serverless/cloudformation-template-update-stack.json", "utf8"),
    );
    resources = template.Resources;
  }, 150_000);

  it("serves the three routes from the http function through an HTTP API", () => {
    const routes = Object.values(resources)
      .filter((r) => r.Type === "AWS::ApiGatewayV2::Route")
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(routes).toEqual([
      "PATCH /api/atlas/v1.0/groups/{groupId}/peers/{peerId}",
      "PATCH /api/atlas/v2/groups/{groupId}/peers/{peerId}",
      "POST /v1/peering-changes",
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

  it("lets the function read only the gateway's secrets, never Resource '*'", () => {
    const secretStatements = statements().filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("secretsmanager:")),
    );
    expect(secretStatements).toHaveLength(1);
    const [statement] = secretStatements;
    expect([statement?.Action].flat()).toEqual(["secretsmanager:GetSecretValue"]);
    const resourceText = JSON.stringify(statement?.Resource);
    expect(resourceText).not.toBe('"*"');
    expect(resourceText).toContain(":secret:atlas-peering-gateway/dev/*");
    for (const s of statements()) expect([s.Action].flat()).not.toContain("*");
  });

  it("tells the function where its secrets are", () => {
    const fn = resources.HttpLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, string> };
    };
    expect(fn.Environment.Variables).toMatchObject({
      ATLAS_SECRET_ID: "atlas-peering-gateway/dev/atlas",
      CALLERS_SECRET_ID: "atlas-peering-gateway/dev/callers",
    });
  });
});
