import { createHash } from "node:crypto";
import { DescribeTableCommand, DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createTableFromTemplate,
  type DynamoDbEmulator,
  startDynamoDbEmulator,
} from "../../../local/aws/dynamodb.js";
import {
  type EventBridgeEmulator,
  startEventBridgeEmulator,
  type TargetEvent,
} from "../../../local/aws/eventBridge.js";
import {
  type EmulatedSchedule,
  type SchedulerEmulator,
  startSchedulerEmulator,
} from "../../../local/aws/scheduler.js";
import {
  type SecretsManagerEmulator,
  secretArnSuffix,
  startSecretsManagerEmulator,
} from "../../../local/aws/secretsManager.js";
import { EventBridgeChangePublisher } from "../../../src/adapters/aws/EventBridgeChangePublisher.js";
import {
  atExpression,
  EventBridgeRecheckScheduler,
} from "../../../src/adapters/aws/EventBridgeRecheckScheduler.js";
import {
  SecretsManagerSecrets,
  SecretUnavailableError,
} from "../../../src/adapters/aws/SecretsManagerSecrets.js";
import type { ChangeView } from "../../../src/domain/change/view.js";
import { CHANGE_EVENT_DETAIL_TYPE } from "../../../src/ports/ChangeNotifications.js";

const config = (endpoint: string) => ({
  endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  // One attempt: an injected 5xx reaches the test instead of being retried away (retries have their own test).
  maxAttempts: 1,
});
const SECRET_ARN_PREFIX = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:";

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

/** The HTTP status the SDK saw. */
const statusOf = (error: Record<string, unknown>) =>
  (error.$metadata as { httpStatusCode?: number }).httpStatusCode;

describe("Secrets Manager emulator, through the real SDK client", () => {
  const value = JSON.stringify({ publicKey: "pub", privateKey: "priv" });
  let sm: SecretsManagerEmulator;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    sm = await startSecretsManagerEmulator({ secrets: { "gw/atlas": value } });
    client = new SecretsManagerClient(config(sm.url));
  });
  afterAll(async () => {
    client.destroy();
    await sm.close();
  });

  it("answers GetSecretValue by name and by ARN, and records the secret's ARN", async () => {
    const arn = `${SECRET_ARN_PREFIX}gw/atlas-${secretArnSuffix("gw/atlas")}`;
    expect(secretArnSuffix("gw/atlas")).toMatch(/^[A-Za-z0-9]{6}$/);
    const byName = await client.send(new GetSecretValueCommand({ SecretId: "gw/atlas" }));
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(byName).toMatchObject({
      ARN: arn,
      Name: "gw/atlas",
      SecretString: value,
      VersionStages: ["AWSCURRENT"],
    });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect(byArn.VersionId).toBe(byName.VersionId);
    expect(sm.calls.slice(-2).map((c) => [c.service, c.action, c.resource, c.input])).toEqual([
      ["secretsmanager", "GetSecretValue", arn, { SecretId: "gw/atlas" }],
      ["secretsmanager", "GetSecretValue", arn, { SecretId: arn }],
    ]);
  });

  it("speaks awsJson1_1 on the wire: epoch-second dates, errors typed in body and header", async () => {
    const post = (SecretId: string) =>
      fetch(sm.url, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "secretsmanager.GetSecretValue",
        },
        body: JSON.stringify({ SecretId }),
      });
    const found = await post("gw/atlas");
    expect(found.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    const { CreatedDate } = (await found.json()) as { CreatedDate: unknown };
    expect(typeof CreatedDate === "number" && Math.abs(CreatedDate - Date.now() / 1000) < 60).toBe(true);
    const missing = await post("gw/none");
    expect([missing.status, missing.headers.get("x-amzn-errortype"), await missing.json()]).toEqual([
      400,
      "ResourceNotFoundException",
      { __type: "ResourceNotFoundException", Message: "Secrets Manager can't find the specified secret." },
    ]);
  });

  it("answers a missing secret, an injected failure and an unknown operation as AWS does", async () => {
    const missing = await failure(client.send(new GetSecretValueCommand({ SecretId: "gw/none" })));
    expect([missing.name, missing.message]).toEqual([
      "ResourceNotFoundException",
      "Secrets Manager can't find the specified secret.",
    ]);
    expect(sm.calls.at(-1)?.resource).toBe(`${SECRET_ARN_PREFIX}gw/none`);
    sm.failWith("gw/atlas", "AccessDeniedException");
    const denied = await failure(client.send(new GetSecretValueCommand({ SecretId: "gw/atlas" })));
    expect([denied.name, statusOf(denied)]).toEqual(["AccessDeniedException", 400]);
    sm.failWith("gw/atlas", undefined);
    await expect(client.send(new GetSecretValueCommand({ SecretId: "gw/atlas" }))).resolves.toBeDefined();
    const stage = await failure(
      client.send(new GetSecretValueCommand({ SecretId: "gw/atlas", VersionStage: "AWSPENDING" })),
    );
    expect(stage.name).toBe("ResourceNotFoundException");
    expect((await failure(client.send(new DescribeSecretCommand({ SecretId: "gw/atlas" })))).name).toBe(
      "UnknownOperationException",
    );
  });

  it("serves the gateway's SecretsManagerSecrets: readJson, then a removed secret is 'missing'", async () => {
    sm.put("gw/callers", '{"callers":[]}');
    const secrets = new SecretsManagerSecrets({ client, maxAgeSeconds: 0 });
    await expect(secrets.readJson("gw/callers")).resolves.toEqual({ callers: [] });
    sm.remove("gw/callers");
    const error = await failure(secrets.readJson("gw/callers", { forceFetch: true }));
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect([error.problem, error.message]).toEqual(["missing", "Secret gw/callers does not exist."]);
  });
});

describe("EventBridge Scheduler emulator, through the real SDK client", () => {
  const NOW = Date.UTC(2026, 10, 28, 11, 0, 0);
  const onFire = vi.fn<(schedule: EmulatedSchedule) => Promise<void>>(async () => {});
  let emu: SchedulerEmulator;
  let client: SchedulerClient;
  const adapter = () =>
    new EventBridgeRecheckScheduler({
      client,
      groupName: "recheck",
      targetArn: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
      roleArn: "arn:aws:iam::123456789012:role/gw-scheduler",
      deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:gw-dlq",
      now: () => NOW,
    });
  beforeAll(async () => {
    emu = await startSchedulerEmulator({ onFire, autoFire: false, now: () => NOW, retryDelayMs: 5 });
    client = new SchedulerClient(config(emu.url));
  });
  afterAll(async () => {
    client.destroy();
    await emu.close();
  });

  it("creates, gets and deletes a schedule; a duplicate is a 409 conflict, a missing one a 404", async () => {
    const input = {
      Name: "s1",
      ScheduleExpression: "at(2026-11-28T12:00:00)",
      FlexibleTimeWindow: { Mode: "OFF" as const },
      Target: {
        Arn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
        RoleArn: "arn:aws:iam::123456789012:role/r",
      },
    };
    const arn = "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/s1";
    expect((await client.send(new CreateScheduleCommand(input))).ScheduleArn).toBe(arn);
    expect(emu.schedules.get("default/s1")?.fireAt).toBe(Date.UTC(2026, 10, 28, 12, 0, 0));
    const got = await client.send(new GetScheduleCommand({ Name: "s1" }));
    expect(got).toMatchObject({ Arn: arn, GroupName: "default", State: "ENABLED", Target: input.Target });
    expect(got.CreationDate?.getTime()).toBe(NOW);
    const conflict = await failure(client.send(new CreateScheduleCommand(input)));
    expect([conflict.name, statusOf(conflict)]).toEqual(["ConflictException", 409]);
    await client.send(new DeleteScheduleCommand({ Name: "s1" }));
    expect(emu.deleted).toEqual(["s1"]);
    expect(emu.calls.at(-1)).toMatchObject({
      action: "DeleteSchedule",
      resource: arn,
      input: { Name: "s1" },
    });
    const gone = await failure(client.send(new DeleteScheduleCommand({ Name: "s1", GroupName: "default" })));
    expect(gone.name).toBe("ResourceNotFoundException");
    expect((await failure(client.send(new GetScheduleCommand({ Name: "s1" })))).name).toBe(
      "ResourceNotFoundException",
    );
  });

  it("speaks restJson1 on the wire: the error type in x-amzn-errortype, Get/Delete's group in the query", async () => {
    const answer = await fetch(`${emu.url}/schedules/nope?groupName=g1&clientToken=t1`, { method: "DELETE" });
    expect([answer.status, answer.headers.get("x-amzn-errortype"), await answer.json()]).toEqual([
      404,
      "ResourceNotFoundException",
      { __type: "ResourceNotFoundException", Message: "Schedule nope does not exist." },
    ]);
    expect(emu.calls.at(-1)).toMatchObject({
      action: "DeleteSchedule",
      resource: "arn:aws:scheduler:eu-west-1:123456789012:schedule/g1/nope",
      input: { Name: "nope", GroupName: "g1", ClientToken: "t1" },
    });
  });

  it("records exactly what the gateway's adapter sent, tolerates its duplicate and its cancel of nothing", async () => {
    const at = Date.UTC(2026, 10, 28, 11, 30, 0);
    await adapter().schedule({ changeId: "c-1", attempt: 2 }, at);
    await adapter().schedule({ changeId: "c-1", attempt: 2 }, at);
    const name = "recheck-c-1-2";
    const sent = {
      Name: name,
      GroupName: "recheck",
      ScheduleExpression: atExpression(at, NOW),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: {
        Arn: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
        RoleArn: "arn:aws:iam::123456789012:role/gw-scheduler",
        Input: '{"changeId":"c-1","attempt":2}',
        DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:gw-dlq" },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
      },
      ClientToken: createHash("sha256").update(name).digest("hex"),
    };
    expect(emu.created.slice(-2)).toEqual([sent, sent]);
    expect(emu.schedules.get(`recheck/${name}`)?.input).toEqual(sent);
    expect(emu.due(at - 1)).toEqual([]);
    expect(emu.due(at).map((s) => s.name)).toEqual([name]);
    await expect(adapter().cancel({ changeId: "c-9", attempt: 1 })).resolves.toBeUndefined();
  });

  it("fires a schedule with its Target.Input, then deletes it (ActionAfterCompletion DELETE)", async () => {
    await adapter().schedule({ changeId: "c-2", attempt: 1 }, NOW + 60_000);
    await emu.fire("recheck-c-2-1", "recheck");
    expect(onFire.mock.calls.at(-1)?.[0].input.Target?.Input).toBe('{"changeId":"c-2","attempt":1}');
    expect(emu.fired.at(-1)).toMatchObject({ attempts: 1, schedule: { name: "recheck-c-2-1" } });
    expect(emu.schedules.has("recheck/recheck-c-2-1")).toBe(false);
  });

  it("retries a failing target per its RetryPolicy, then dead-letters the input", async () => {
    await adapter().schedule({ changeId: "c-3", attempt: 1 }, NOW);
    onFire.mockClear().mockRejectedValue(new Error("lambda down"));
    await emu.fire("recheck-c-3-1", "recheck");
    // The first invocation and RetryPolicy.MaximumRetryAttempts (10) retries.
    expect(onFire).toHaveBeenCalledTimes(11);
    onFire.mockReset().mockResolvedValue(undefined);
    expect(emu.deadLetters).toEqual([
      expect.objectContaining({
        arn: "arn:aws:sqs:eu-west-1:123456789012:gw-dlq",
        input: '{"changeId":"c-3","attempt":1}',
      }),
    ]);
    expect(emu.fired.some((f) => f.schedule.name === "recheck-c-3-1")).toBe(false);
  });

  it("answers injected create failures, which the SDK retries and the adapter reports", async () => {
    emu.failNextCreates(1);
    const retrying = new SchedulerClient({ ...config(emu.url), maxAttempts: 2 });
    await new EventBridgeRecheckScheduler({ ...adapterOptions(), client: retrying }).schedule(
      { changeId: "c-4", attempt: 1 },
      NOW + 1000,
    );
    retrying.destroy();
    expect(emu.created.filter((c) => c.Name === "recheck-c-4-1")).toHaveLength(2);
    emu.failNextCreates(1, "ThrottlingException", 429);
    const error = await failure(adapter().schedule({ changeId: "c-5", attempt: 1 }, NOW + 1000));
    expect([error.name, (error.cause as Error).name]).toEqual(["SchedulingError", "ThrottlingException"]);
  });

  it("fires on its own (autoFire) a schedule whose time has passed", async () => {
    const fired: string[] = [];
    const auto = await startSchedulerEmulator({ onFire: async (s) => void fired.push(s.name) });
    const autoClient = new SchedulerClient(config(auto.url));
    try {
      // The adapter believes it is two minutes ago, so the schedule it makes is already due.
      const past = { ...adapterOptions(), client: autoClient, now: () => Date.now() - 120_000 };
      await new EventBridgeRecheckScheduler(past).schedule({ changeId: "c-6", attempt: 1 }, 0);
      await vi.waitFor(() => expect(fired).toEqual(["recheck-c-6-1"]));
      await auto.settled();
      expect(auto.schedules.size).toBe(0);
    } finally {
      autoClient.destroy();
      await auto.close();
    }
  });

  function adapterOptions() {
    return {
      groupName: "recheck",
      targetArn: "arn:t",
      roleArn: "arn:r",
      deadLetterArn: "arn:d",
      now: () => NOW,
    };
  }
});

describe("EventBridge emulator, through the real SDK client", () => {
  let bus: EventBridgeEmulator;
  let client: EventBridgeClient;
  const received: TargetEvent[] = [];
  beforeAll(async () => {
    bus = await startEventBridgeEmulator();
    client = new EventBridgeClient(config(bus.url));
    bus.addRule({
      name: "failed-changes",
      eventBusName: "gw-bus",
      pattern: {
        source: ["atlas-peering-gateway"],
        detail: { state: ["FAILED"], attempt: [{ numeric: [">", 1] }] },
      },
      target: async (event) => void received.push(event),
    });
    bus.addRule({
      name: "broken",
      eventBusName: "gw-bus",
      pattern: { source: [{ prefix: "atlas-" }] },
      target: async () => {
        throw new Error("target down");
      },
    });
  });
  afterAll(async () => {
    client.destroy();
    await bus.close();
  });

  it("takes entries, answers per-entry results, and delivers events as EventBridge does", async () => {
    const busArn = "arn:aws:events:eu-west-1:123456789012:event-bus/gw-bus";
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: "s",
            DetailType: "d",
            Detail: '{"n":1}',
            EventBusName: busArn,
            Time: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
            Resources: ["r"],
          },
          { Source: "s", DetailType: "d", Detail: "[1]" },
          { Source: "s", Detail: "{}" },
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries?.slice(1)).toEqual([
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
      {
        ErrorCode: "InvalidArgument",
        ErrorMessage: "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
      },
    ]);
    expect(bus.published.at(-1)).toEqual({
      version: "0",
      id: answer.Entries?.[0]?.EventId,
      "detail-type": "d",
      source: "s",
      account: "123456789012",
      time: "2026-01-02T03:04:05Z",
      region: "eu-west-1",
      resources: ["r"],
      detail: { n: 1 },
      eventBusName: "gw-bus",
    });
    expect(bus.calls.map((c) => c.resource)).toEqual([
      busArn,
      "arn:aws:events:eu-west-1:123456789012:event-bus/default",
    ]);
    bus.failNextPuts(1);
    const refused = await client.send(
      new PutEventsCommand({ Entries: [{ Source: "s", DetailType: "d", Detail: "{}" }] }),
    );
    expect(refused).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });
  });

  it("publishes the gateway's change events and delivers them to matching rules only", async () => {
    const ref = (changeId: string) => ({ changeId, version: 2, id: `msg_${changeId}_2` });
    const publisher = new EventBridgeChangePublisher({ client, eventBusName: "gw-bus" });
    await publisher.publish(view("ch-1", "FAILED", 2), ref("ch-1"));
    await publisher.publish(view("ch-2", "FAILED", 1), ref("ch-2"));
    await publisher.publish(view("ch-3", "SUCCEEDED", 3), ref("ch-3"));
    await bus.settled();
    expect(
      bus.published.slice(-3).map((e) => [e["detail-type"], e.source, (e.detail as ChangeView).id]),
    ).toEqual([
      [CHANGE_EVENT_DETAIL_TYPE, "atlas-peering-gateway", "ch-1"],
      [CHANGE_EVENT_DETAIL_TYPE, "atlas-peering-gateway", "ch-2"],
      [CHANGE_EVENT_DETAIL_TYPE, "atlas-peering-gateway", "ch-3"],
    ]);
    expect(received.map((e) => (e.detail as ChangeView).id)).toEqual(["ch-1"]);
    expect(received[0]).not.toHaveProperty("eventBusName");
    expect(bus.deliveryFailures.map((f) => [f.rule, (f.error as Error).message])).toEqual(
      Array(3).fill(["broken", "target down"]),
    );
    bus.failNextPuts(1);
    await expect(publisher.publish(view("ch-4", "FAILED", 2), ref("ch-4"))).rejects.toThrow(
      "EventBridge refused the event of change ch-4 on bus gw-bus: InternalFailure.",
    );
  });
});

function view(id: string, state: ChangeView["state"], attempt: number): ChangeView {
  const at = "2026-11-28T12:00:00.000Z";
  return {
    id,
    state,
    attempt,
    groupId: "g",
    peerId: "p",
    provider: "AWS",
    apiVersion: "v2",
    callerId: "ci",
    channel: "http",
    correlationId: id,
    desired: {},
    atlas: {},
    deadline: at,
    createdAt: at,
    updatedAt: at,
    history: [],
    links: { self: `/v1/peering-changes/${id}` },
  };
}

describe("DynamoDB emulator (dynalite behind a recording proxy), through the real SDK client", () => {
  let dynamo: DynamoDbEmulator;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startDynamoDbEmulator();
    client = new DynamoDBClient(config(dynamo.url));
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it("creates the template's table, forwards calls, records table and index ARNs, and injects failures", async () => {
    const keys = (hash: string, range: string) => [
      { AttributeName: hash, KeyType: "HASH" },
      { AttributeName: range, KeyType: "RANGE" },
    ];
    const name = await createTableFromTemplate(dynamo.url, {
      Properties: {
        TableName: "gw-changes",
        BillingMode: "PAY_PER_REQUEST",
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        SSESpecification: { SSEEnabled: true },
        AttributeDefinitions: ["pk", "sk", "duePk", "dueAt"].map((a) => ({
          AttributeName: a,
          AttributeType: a === "dueAt" ? "N" : "S",
        })),
        KeySchema: keys("pk", "sk"),
        GlobalSecondaryIndexes: [
          { IndexName: "due", KeySchema: keys("duePk", "dueAt"), Projection: { ProjectionType: "ALL" } },
        ],
      },
    });
    const table = await client.send(new DescribeTableCommand({ TableName: name }));
    expect([table.Table?.TableStatus, table.Table?.BillingModeSummary?.BillingMode]).toEqual([
      "ACTIVE",
      "PAY_PER_REQUEST",
    ]);
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(["due"]);
    const query = {
      TableName: name,
      IndexName: "due",
      KeyConditionExpression: "duePk = :p",
      ExpressionAttributeValues: { ":p": { S: "x" } },
    };
    expect((await client.send(new QueryCommand(query))).Count).toBe(0);
    const arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/gw-changes";
    expect(dynamo.calls.at(-1)).toMatchObject({
      service: "dynamodb",
      action: "Query",
      resource: `${arn}/index/due`,
      input: query,
    });
    expect(dynamo.calls.find((c) => c.action === "CreateTable")?.resource).toBe(arn);
    dynamo.failNext(1, "ProvisionedThroughputExceededException", 400);
    const error = await failure(client.send(new DescribeTableCommand({ TableName: name })));
    expect([error.name, statusOf(error)]).toEqual(["ProvisionedThroughputExceededException", 400]);
    await expect(client.send(new DescribeTableCommand({ TableName: name }))).resolves.toBeDefined();
  });
});
