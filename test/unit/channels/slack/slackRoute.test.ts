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
import { FakeAtlas } from "../../../helpers/fakes.js";
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

describe("a signed Slack command delivered twice", () => {
  const SLACK_SECRET = "unit-slack-signing-secret-5d1e";
  const GROUP = "5f1e2d3c4b5a69788796a5b4";
  const PEER = "6a0b1c2d3e4f5a6b7c8d9e0f";
  const PEER_NOW = {
    id: PEER,
    providerName: "AWS",
    accepterRegionName: "us-east-1",
    awsAccountId: "123456789012",
    containerId: "5e57d85c854180642f7844bf",
    routeTableCidrBlock: "10.8.0.0/21",
    vpcId: "vpc-0123456789abcdef0",
    statusName: "AVAILABLE",
  };

  /** A container whose registry maps the ACME workspace to a caller allowed on every project. */
  function slackContainer() {
    const atlas = new FakeAtlas({
      status: 200,
      body: JSON.stringify({ ...PEER_NOW, statusName: "INITIATING" }),
      headers: { "content-type": "application/json" },
    });
    atlas.current = { status: 200, body: JSON.stringify(PEER_NOW) };
    const registry = {
      callers: [
        {
          id: "acme-chatops",
          tokenSha256: [],
          signingSecrets: [],
          projects: [{ groupId: "*" }],
          identities: { slack: [{ teamId: "T0ACME0001" }] },
        },
      ],
    };
    const fake = fakeChangeDeps({ now: NOW, atlas, registry });
    const handler = makeHttpHandler({
      ...fake.deps,
      logger: createLogger(),
      limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
      replay: new MemoryReplayGuard(),
      slackSigningSecrets: async () => [SLACK_SECRET],
    });
    return { handler, atlas, ...fake };
  }

  /** One delivery of `update`, as Slack signs it; a fresh `trigger` is what a new invocation by the user has. */
  function update(trigger: string, headers: Record<string, string> = {}) {
    const body = new URLSearchParams({
      team_id: "T0ACME0001",
      user_id: "U0ALICE001",
      channel_id: "C0NETWORK1",
      command: "/atlas-peering",
      text: `update ${GROUP} ${PEER} routeTableCidrBlock=10.9.0.0/21`,
      response_url: `https://hooks.slack.com/commands/T0ACME0001/${trigger}/abc`,
      trigger_id: trigger,
    }).toString();
    const timestamp = String(NOW / 1000);
    const signature = slackSignature(SLACK_SECRET, timestamp, body);
    return apiEvent({
      method: "POST",
      path: "/v1/slack/commands",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
        ...headers,
      },
      body,
    });
  }

  const patches = (atlas: FakeAtlas) => atlas.calls.filter((c) => c.method === "PATCH");
  it.each([
    ["a replay of the same delivery", {}],
    ["a copy marked as Slack's retry", { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }],
  ])("answers %s with an ephemeral 'already handled' and creates no second change", async (_label, extra) => {
    const { handler, atlas, store, audit } = slackContainer();
    const delivery = update("1111.2222.aaaa");
    const first = await handler(delivery, lambdaContext);
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body).text).toMatch(/^Change chg-\d+ accepted/);
    expect(patches(atlas)).toHaveLength(1);
    const copy = { ...delivery, headers: { ...delivery.headers, ...extra } as Record<string, string> };
    const again = await handler(copy, lambdaContext);
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({
      response_type: "ephemeral",
      text: "This command was already handled, so nothing was done again. To do it again, run the command again.",
    });
    expect(patches(atlas)).toHaveLength(1);
    expect((await store.list({ groupId: GROUP, limit: 10 })).items).toHaveLength(1);
    expect(audit.withOutcome("refused", "replay")).toEqual([
      expect.objectContaining({ channel: "slack", callerId: "acme-chatops" }),
    ]);
    const logged = JSON.stringify(logs);
    expect(logged).toContain('"message":"Slack command replayed"');
    expect(logged).not.toContain(copy.headers["x-slack-signature"]?.slice(3) ?? "-");
    expect(logged).not.toContain(SLACK_SECRET);
  });

  it("refuses every later copy too, and a tampered copy as a bad signature", async () => {
    const { handler, atlas } = slackContainer();
    const delivery = update("3333.4444.bbbb");
    await handler(delivery, lambdaContext);
    for (let i = 0; i < 3; i++)
      expect(JSON.parse((await handler(delivery, lambdaContext)).body).text).toMatch(/already handled/);
    const tampered = { ...delivery, body: `${delivery.body}&x=1` };
    expect((await handler(tampered, lambdaContext)).statusCode).toBe(401);
    expect(patches(atlas)).toHaveLength(1);
  });

  it("treats the user running the same command again (a new trigger) as a new request", async () => {
    const { handler } = slackContainer();
    await handler(update("5555.6666.cccc"), lambdaContext);
    const rerun = JSON.parse((await handler(update("7777.8888.dddd"), lambdaContext)).body);
    // Not "already handled": it reaches the change, which is refused as one is already in flight.
    expect(rerun.text).not.toMatch(/already handled/);
  });
});
