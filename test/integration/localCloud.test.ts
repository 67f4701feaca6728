import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EmulatedSchedule } from "../../local/aws/scheduler.js";
import { applyLocalAwsDefaults, type LocalCloud, startLocalCloud } from "../../local/cloud.js";
import { publishedOn } from "../../local/publishedEvents.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import type { ChangeRejection } from "../../src/ports/ChangeNotifications.js";
import { awsDeps } from "../../src/wiring/aws.js";
import { loadConfig } from "../../src/wiring/config.js";

const CALLERS = {
  callers: [{ id: "cloud-test", tokenSha256: ["0".repeat(64)], projects: [{ groupId: "*" }] }],
};
const fired: EmulatedSchedule[] = [];
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    atlas: { baseUrl: "http://127.0.0.1:9", publicKey: "cloudpub", privateKey: "cloud-private-key-0001" },
    callers: JSON.stringify(CALLERS),
    slackSigningSecret: "cloud-slack-secret-0001",
    cadence: { recheckDelayMs: 150, humanWaitMaxMs: 400, deadlineMs: 1_500 },
    sweepGraceMs: 2_000,
    logLevel: "SILENT",
    onFire: async (schedule) => {
      fired.push(schedule);
    },
  });
});
afterAll(() => cloud.close());

describe("the local AWS account (local/cloud.ts)", () => {
  it("gives the functions an environment the production config reads, fast cadence included", () => {
    const config = loadConfig(cloud.env);
    expect(config).toMatchObject({
      atlasSecretId: "atlas-peering-gateway/local/atlas",
      callersSecretId: "atlas-peering-gateway/local/callers",
      slackSigningSecretId: "atlas-peering-gateway/local/slack",
      changesTable: cloud.names.table,
      eventBusName: cloud.names.eventBus,
      scheduler: {
        groupName: cloud.names.scheduleGroup,
        targetArn: `arn:aws:lambda:${cloud.region}:123456789012:function:atlas-peering-gateway-local-recheck`,
      },
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
      atlasTimeouts: { connectTimeoutMs: 2_000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 },
      sweepGraceMs: 2_000,
      slackReplyHosts: ["hooks.slack.com", "127.0.0.1", "localhost"],
      // Replies to hooks.slack.com response_urls go to the local capture (GET /__local/slack).
      slackResponseBaseUrl: cloud.slack.url,
      logging: { logLevel: "SILENT" },
    });
    expect(config.cadence.recheckDelayMs).toBeCloseTo(150);
    expect(config.cadence.humanWaitMaxMs).toBeCloseTo(400);
    expect(config.cadence.deadlineMs).toBeCloseTo(1_500);
    expect(cloud.env).toMatchObject({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.secretsManager.url,
      AWS_ENDPOINT_URL_DYNAMODB: cloud.dynamodb.url,
      AWS_ENDPOINT_URL_SCHEDULER: cloud.scheduler.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: cloud.eventBridge.url,
    });
    for (const url of [
      cloud.secretsManager.url,
      cloud.dynamodb.url,
      cloud.scheduler.url,
      cloud.eventBridge.url,
    ])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("holds the keys, the callers and the Slack secret in Secrets Manager, read by the production wiring", async () => {
    const deps = awsDeps(cloud.env);
    expect(await deps.callers.registry()).toMatchObject(CALLERS);
    expect(await deps.credentials.credentialsFor("5f1e2d3c4b5a69788796a5b4")).toMatchObject({
      kind: "apiKey",
      publicKey: "cloudpub",
      privateKey: "cloud-private-key-0001",
    });
    expect(await deps.slackSigningSecrets()).toEqual(["cloud-slack-secret-0001"]);
    expect(cloud.secretsManager.calls.map((c) => c.action)).toContain("GetSecretValue");
  });

  it("has the change table in DynamoDB", async () => {
    const client = new DynamoDBClient({
      endpoint: cloud.dynamodb.url,
      region: cloud.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const table = await client.send(new DescribeTableCommand({ TableName: cloud.names.table }));
      expect(table.Table?.TableStatus).toBe("ACTIVE");
      expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
        "byProject",
        "due",
      ]);
    } finally {
      client.destroy();
    }
  });

  it("fires a re-check schedule at its time with the recheck function as target and {changeId, attempt} as input", async () => {
    const deps = awsDeps(cloud.env);
    await deps.scheduler.schedule({ changeId: "chg-cloud-1", attempt: 3 }, Date.now() + 100);
    await vi.waitFor(() => expect(fired).toHaveLength(1), { timeout: 3_000 });
    const target = fired[0]?.input.Target;
    expect(target?.Arn).toBe(cloud.env.RECHECK_FUNCTION_ARN);
    expect(JSON.parse(target?.Input ?? "")).toEqual({ changeId: "chg-cloud-1", attempt: 3 });
    // Scheduler's precision is a second: the `at()` time is a whole second.
    expect((fired[0]?.fireAt ?? 1) % 1000).toBe(0);
  });

  it("keeps each published event as EventBridge carried it, rejections with their own detail-type, in order", async () => {
    const deps = awsDeps(cloud.env);
    const view = { id: "chg-cloud-2", state: "WAITING_FOR_USER" } as ChangeView;
    const rejection: ChangeRejection = { reason: "not valid", errors: [], event: { id: "e-cloud-1" } };
    await deps.events.publish(view, { changeId: view.id, version: 5, id: `msg_${view.id}_5` });
    await deps.events.publishRejection(rejection);
    view.state = "SUCCEEDED";
    rejection.reason = "changed later";
    expect(publishedOn(cloud.eventBridge.published, cloud.names.eventBus)).toEqual([
      expect.objectContaining({
        source: "atlas-peering-gateway",
        detailType: "Peering Change State Changed",
        detail: {
          id: "chg-cloud-2",
          state: "WAITING_FOR_USER",
          notificationId: "msg_chg-cloud-2_5",
          version: 5,
        },
        time: expect.any(String),
      }),
      expect.objectContaining({
        detailType: "Peering Change Rejected",
        detail: { reason: "not valid", errors: [], event: { id: "e-cloud-1" } },
      }),
    ]);
  });
});

describe("a local account forwarding to Atlas with a service account", () => {
  it("stores the service account in the Atlas secret, as the gateway reads it", async () => {
    const other = await startLocalCloud({
      atlas: { baseUrl: "http://127.0.0.1:9", clientId: "mdb_sa_id_cloud", clientSecret: "mdb_sa_sk_cloud" },
      callers: JSON.stringify(CALLERS),
      slackSigningSecret: "cloud-slack-secret-0002",
      cadence: { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 3_600_000 },
      sweepGraceMs: 2_000,
      onFire: async () => undefined,
    });
    try {
      const deps = awsDeps(other.env);
      expect(await deps.credentials.credentialsFor("5f1e2d3c4b5a69788796a5b4")).toMatchObject({
        kind: "serviceAccount",
        clientId: "mdb_sa_id_cloud",
        clientSecret: "mdb_sa_sk_cloud",
      });
      expect(other.env.POWERTOOLS_LOG_LEVEL).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe("the process defaults the local stack needs", () => {
  it("sets a region, dummy credentials and metrics off only where unset", () => {
    const env: NodeJS.ProcessEnv = { AWS_REGION: "us-east-2", POWERTOOLS_METRICS_DISABLED: "false" };
    applyLocalAwsDefaults(env);
    expect(env).toEqual({
      AWS_REGION: "us-east-2",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      POWERTOOLS_METRICS_DISABLED: "false",
    });
  });
});
