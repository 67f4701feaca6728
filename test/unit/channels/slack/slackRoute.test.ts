import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SecretsManagerSecrets } from "../../../../src/adapters/aws/SecretsManagerSecrets.js";
import { slackSigningSecretsFrom } from "../../../../src/adapters/aws/SecretsManagerSlackSecrets.js";
import { slackSignature } from "../../../../src/channels/slack/signature.js";
import { makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { createLogger } from "../../../../src/observability/logger.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

const SECRET_ID = "atlas-peering-gateway/dev/slack";
const NOW = 1_764_331_200_000;
const sm = mockClient(SecretsManagerClient);

let logs: Array<Record<string, unknown>> = [];

beforeEach(() => {
  sm.reset();
  logs = [];
  // Powertools writes INFO to stdout and WARN/ERROR to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split("\n"))
        if (line.startsWith("{")) logs.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    });
  }
});
afterEach(() => vi.restoreAllMocks());

/** The http handler of one container, its Slack secret read from (mocked) Secrets Manager like in AWS. */
/** `null`: no SLACK_SIGNING_SECRET_ID configured. */
function container(secretId: string | null = SECRET_ID) {
  const { deps } = fakeChangeDeps({ now: NOW });
  const secrets = new SecretsManagerSecrets({
    client: new SecretsManagerClient({ region: "eu-west-1" }),
    maxAgeSeconds: 300,
  });
  return makeHttpHandler({
    ...deps,
    logger: createLogger(),
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: slackSigningSecretsFrom(secrets, secretId ?? undefined),
  });
}

/** A slash command as Slack sends it, signed with a secret the gateway may or may not have. */
function slashCommand() {
  const body = new URLSearchParams({
    team_id: "T0ACME0001",
    user_id: "U0ALICE001",
    command: "/atlas-peering",
    text: "help",
    response_url: "https://hooks.slack.com/commands/T0ACME0001/1/abc",
  }).toString();
  const timestamp = String(NOW / 1000);
  return apiEvent({
    method: "POST",
    path: "/v1/slack/commands",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": slackSignature("some-slack-signing-secret", timestamp, body),
    },
    body,
  });
}

describe("the Slack route when chatops is not set up", () => {
  it("answers 404 naming the secret to create, and warns once per container, not per request", async () => {
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: {},
      }),
    );
    const handler = container();
    for (let i = 0; i < 2; i++) {
      const result = await handler(slashCommand(), lambdaContext);
      expect(result.statusCode).toBe(404);
      expect(result.headers["content-type"]).toBe("application/problem+json");
      const problem = JSON.parse(result.body);
      expect(problem).toMatchObject({
        type: "https://atlas-peering-gateway.dev/problems/slack-not-set-up",
        title: "Slack commands are not set up for this gateway",
        status: 404,
      });
      expect(problem.detail).toContain(SECRET_ID);
      expect(problem.detail).toContain('{"signingSecret":"…"}');
    }
    const warnings = logs.filter((l) => l.level === "WARN");
    expect(warnings).toEqual([
      expect.objectContaining({ message: "Slack commands are not set up", missing: SECRET_ID }),
    ]);
    expect(logs.filter((l) => l.level === "ERROR")).toEqual([]);
  });

  it("answers 404 saying what to set when no Slack secret id is configured at all", async () => {
    const result = await container(null)(slashCommand(), lambdaContext);
    expect(result.statusCode).toBe(404);
    const problem = JSON.parse(result.body);
    expect(problem).toMatchObject({ type: "https://atlas-peering-gateway.dev/problems/slack-not-set-up" });
    expect(problem.detail).toContain("SLACK_SIGNING_SECRET_ID");
    expect(sm.commandCalls(GetSecretValueCommand)).toEqual([]);
  });

  it.each([
    ["JSON of the wrong shape", JSON.stringify({ signing_secret: "wrong-shape-secret-7f3a" })],
    ["not JSON", "not-json-secret-7f3a"],
  ])("answers a Slack secret that holds %s with a 500 about the Slack secret", async (_label, value) => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: value });
    const result = await container()(slashCommand(), lambdaContext);
    expect(result.statusCode).toBe(500);
    const problem = JSON.parse(result.body);
    expect(problem).toMatchObject({
      type: "https://atlas-peering-gateway.dev/problems/slack-secret",
      title: "The gateway cannot load its Slack signing secret",
    });
    expect(problem.detail).toContain(SECRET_ID);
    expect(JSON.stringify({ problem, logs })).not.toMatch(/secret-7f3a/);
  });
});
