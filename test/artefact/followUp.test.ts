import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AwsCall } from "../../local/aws/calls.js";
import { roleStatements } from "../../local/lambda/functions.js";
import { type IamRequest, isAllowed } from "../../local/lambda/iam.js";
import { DEMO_PRIVATE_KEY } from "../../local/simulator/index.js";
import {
  type ArtefactStack,
  CALLBACK_SECRET,
  EVENT_SOURCE,
  SIGNING_SECRET,
  SLACK_SECRET,
  startArtefactStack,
  TOKEN,
} from "./support/artefactStack.js";
import { awsPeering, call, patchesTo, slackCommand } from "./support/requests.js";

/**
 * The packaged recheck, sweeper and events functions, driven as Scheduler and EventBridge would drive them:
 * the recheck function gets exactly the `Input` each schedule carried, the sweeper a scheduled event, the
 * events function what the bus delivers (and a redelivery). What they stored, scheduled, published and
 * called back is read from the local stand-ins.
 */
let stack: ArtefactStack;
const TERMINAL = ["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"];

beforeAll(async () => {
  stack = await startArtefactStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Fires this change's schedules (each one's exact Input reaches the recheck function) until it settles. */
async function settle(changeId: string, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const view = (await call(stack, "GET", `/v1/peering-changes/${changeId}`)).body;
    if (TERMINAL.includes(view.state) || Date.now() > end) return view;
    for (const schedule of [...stack.scheduler.schedules.values()]) {
      if (JSON.parse(schedule.input.Target?.Input ?? "{}").changeId !== changeId) continue;
      await stack.scheduler.fire(schedule.name, schedule.groupName);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function submit(cidr: string, extra: object = {}) {
  const { peerId } = stack.sim.demo.peers.aws;
  return call(stack, "POST", "/v1/peering-changes", {
    body: { groupId: stack.groupId, peerId, peering: awsPeering(stack, cidr), reason: "follow-up", ...extra },
  });
}

describe("the packaged follow-up functions", () => {
  it("settle a change through the schedules' own Input, publish it and call back with a valid signature", async () => {
    const submitted = await submit("10.51.0.0/21", { callbackUrl: `${stack.callbacks.url}/hooks/peering` });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const settled = await settle(id);
    expect(settled.state).toBe("SUCCEEDED");
    const fired = stack.scheduler.fired.map((f) => JSON.parse(f.schedule.input.Target?.Input ?? "{}"));
    expect(fired.filter((input) => input.changeId === id).map((input) => input.attempt)).toEqual(
      expect.arrayContaining([1]),
    );
    await vi.waitFor(() => {
      const states = stack.bus.published
        .filter((e) => e["detail-type"] === "Peering Change State Changed")
        .map((e) => e.detail as { id: string; state: string })
        .filter((d) => d.id === id)
        .map((d) => d.state);
      expect(states).toContain("SUCCEEDED");
    });
    await vi.waitFor(() => expect(stack.callbacks.received.length).toBeGreaterThan(0));
    const delivery = stack.callbacks.received.at(-1);
    const verified = new Webhook(CALLBACK_SECRET).verify(delivery?.raw ?? "", delivery?.headers ?? {});
    expect(verified).toMatchObject({
      type: "peering.change.state_changed",
      data: { id, state: "SUCCEEDED" },
    });
    expect(delivery?.path).toBe("/hooks/peering");
  });

  it("the sweeper re-checks a change whose schedule could not be created", async () => {
    stack.scheduler.failNextCreates(20);
    const submitted = await submit("10.52.0.0/21");
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    expect([...stack.scheduler.schedules.values()].some((s) => s.input.Target?.Input?.includes(id))).toBe(
      false,
    );
    stack.scheduler.failNextCreates(0);
    const end = Date.now() + 30_000;
    let state = "";
    while (!TERMINAL.includes(state) && Date.now() < end) {
      const sweep = await stack.invoke("sweeper", scheduledEvent());
      expect(sweep.error).toBeUndefined();
      state = (await call(stack, "GET", `/v1/peering-changes/${id}`)).body.state;
      if (!TERMINAL.includes(state)) await settle(id, 1_000);
    }
    expect(state).toBe("SUCCEEDED");
  });

  it("the events function takes a change put on the bus, and a redelivery makes no second change", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    const patchesBefore = patchesTo(stack, peerId).length;
    const env = stack.specs.find((s) => s.key === "events")?.environment ?? {};
    const client = new EventBridgeClient({
      endpoint: stack.bus.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "automation", secretAccessKey: "automation" },
    });
    const detail = {
      groupId: stack.groupId,
      peerId,
      peering: awsPeering(stack, "10.53.0.0/21"),
      reason: "bus",
    };
    await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: env.EVENT_BUS_NAME,
            Source: EVENT_SOURCE,
            DetailType: "Peering Change Requested",
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    client.destroy();
    await stack.bus.settled();
    const delivered = stack.invocations.filter((i) => i.function === "events");
    expect(delivered).toHaveLength(1);
    const outcome = delivered[0]?.outcome.result as { kind: string; changeId: string };
    expect(outcome).toMatchObject({ kind: "submitted", changeId: expect.any(String) });
    const again = await stack.invoke("events", delivered[0]?.event);
    expect(again.result).toMatchObject({ kind: "replayed", changeId: outcome.changeId });
    expect((await settle(outcome.changeId)).state).toBe("SUCCEEDED");
    expect(patchesTo(stack, peerId).length - patchesBefore).toBe(1);
  });

  it("take a Slack update, answer at once and post progress to response_url outside the request", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    const answer = await slackCommand(
      stack,
      `update ${stack.groupId} ${peerId} routeTableCidrBlock=10.54.0.0/21`,
    );
    expect(answer.status).toBe(200);
    const changes = (await call(stack, "GET", `/v1/peering-changes?groupId=${stack.groupId}`)).body.items;
    const change = changes.find((c: { channel: string; state: string }) => c.channel === "slack");
    expect(change).toBeDefined();
    expect((await settle(change.id)).state).toBe("SUCCEEDED");
    await vi.waitFor(() => {
      const texts = stack.slack.received.map((r) => r.raw).join("\n");
      expect(texts).toContain("SUCCEEDED");
    });
    expect(stack.slack.received.every((r) => r.path === "/commands/1234/abcd")).toBe(true);
  });

  it("write Powertools EMF metrics and structured logs", () => {
    const emf = (key: string) =>
      (stack.functions[key]?.lines ?? []).filter((line) => line.includes('"CloudWatchMetrics"'));
    expect(emf("http").length).toBeGreaterThan(0);
    expect(emf("recheck").length).toBeGreaterThan(0);
    const metric = JSON.parse(emf("recheck")[0] ?? "{}");
    expect(metric._aws.CloudWatchMetrics[0].Namespace).toBe("AtlasPeeringGateway");
  });

  it("made only AWS calls their own role in the template allows (action and resource)", () => {
    const byFunction = new Map(stack.specs.map((spec) => [`LOCAL${spec.key.toUpperCase()}`, spec]));
    const calls = [stack.secrets, stack.dynamo, stack.scheduler, stack.bus].flatMap(
      (emulator) => emulator.calls,
    );
    const denied: string[] = [];
    const callers = new Set<string>();
    for (const awsCall of calls) {
      const spec = awsCall.principal ? byFunction.get(awsCall.principal) : undefined;
      if (!spec) continue; // the test's own setup and automation clients
      callers.add(spec.key);
      const statements = roleStatements(stack.template, spec.roleLogicalId);
      for (const request of iamRequestsOf(awsCall)) {
        if (!isAllowed(statements, request))
          denied.push(`${spec.key}: ${request.action} on ${request.resource}`);
      }
    }
    expect(denied).toEqual([]);
    expect([...callers].sort()).toEqual(["events", "http", "notify", "recheck", "sweeper"]);
  });

  it("never wrote a key, token or signing secret to their logs", () => {
    const secrets = [TOKEN, SIGNING_SECRET, CALLBACK_SECRET, SLACK_SECRET, DEMO_PRIVATE_KEY];
    const logs = Object.values(stack.functions).flatMap((fn) => fn.lines);
    expect(logs.length).toBeGreaterThan(0);
    expect(secrets.filter((secret) => logs.some((line) => line.includes(secret)))).toEqual([]);
  });

  it("never threw out of a handler", () => {
    expect(stack.invocations.filter((i) => i.outcome.error).map((i) => i.outcome.error)).toEqual([]);
  });
});

/** The IAM action of each kind of item in a DynamoDB transaction (there is no TransactWriteItems action). */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
};

/**
 * What IAM evaluates for one call: the action itself (for a DynamoDB transaction, the action of each of its
 * items: docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html), and passing the
 * Scheduler role for CreateSchedule.
 */
function iamRequestsOf(awsCall: AwsCall): IamRequest[] {
  if (awsCall.service === "dynamodb" && awsCall.action === "TransactWriteItems") {
    const items = (awsCall.input as { TransactItems?: Array<Record<string, unknown>> }).TransactItems ?? [];
    const kinds = new Set(items.flatMap((item) => Object.keys(item)));
    return [...kinds].map((kind) => ({
      action: TRANSACT_ITEM_ACTIONS[kind] ?? `dynamodb:${kind}`,
      resource: awsCall.resource,
    }));
  }
  const requests: IamRequest[] = [
    { action: `${awsCall.service}:${awsCall.action}`, resource: awsCall.resource },
  ];
  const roleArn = (awsCall.input as { Target?: { RoleArn?: string } }).Target?.RoleArn;
  if (awsCall.action === "CreateSchedule" && roleArn) {
    requests.push({
      action: "iam:PassRole",
      resource: roleArn,
      context: { "iam:PassedToService": "scheduler.amazonaws.com" },
    });
  }
  return requests;
}

/** What an EventBridge schedule rule delivers to its Lambda target. */
function scheduledEvent() {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "eu-west-1",
    resources: ["arn:aws:events:eu-west-1:123456789012:rule/sweeper"],
    detail: {},
  };
}
