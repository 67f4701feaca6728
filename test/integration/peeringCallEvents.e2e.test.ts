import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import {
  awsPeering,
  changeApi,
  stackOptions,
  startFastSimulator,
  Transcript,
  until,
} from "./support/gatewayE2e.js";

/**
 * A person's acceptance noticed from AWS events, on the local stack over real sockets: a change waits for the
 * accept with its next scheduled check two minutes away; the person accepts (the simulator's accept call, as
 * on the AWS console), CloudTrail's record of the AcceptVpcPeeringConnection call reaches the events
 * function, and the change moves on within seconds, with exactly one more Atlas GET.
 */

const TOKEN = "e2e-token-peering-calls-01";
/** The next check of a waiting change is minutes away; the sweeper finds nothing overdue meanwhile. */
const SLOW = { recheckDelayMs: 120_000, humanWaitMaxMs: 600_000 };
let sim: AtlasSimulator;
let local: LocalStack;
const transcript = new Transcript();

beforeAll(async () => {
  // No steps: the PATCH is answered PENDING_ACCEPTANCE (with its pcx) at once, and held there until accepted.
  sim = await startFastSimulator({ stepMs: 0, autoAccept: false });
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN, cadence: SLOW, sweepEveryMs: 60_000 }));
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
});

/** CloudTrail's record of an EC2 call as EventBridge delivers it (the shape of the real Delete record). */
function peeringCall(eventName: string, connectionId: string, id = randomUUID()) {
  return {
    version: "0",
    id,
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ec2",
    account: "111122223333",
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: "eu-west-1",
    resources: [],
    detail: {
      eventVersion: "1.08",
      eventSource: "ec2.amazonaws.com",
      eventName,
      awsRegion: "eu-west-1",
      requestParameters: { vpcPeeringConnectionId: connectionId },
      responseElements: { requestId: randomUUID(), _return: true },
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: "111122223333",
      eventCategory: "Management",
    },
  };
}

const postEvent = (event: object) =>
  transcript.fetch(`${local.gatewayUrl}/__local/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(event),
  });

/** The authenticated reads of the demo AWS peer the simulator answered. */
const peerReads = () =>
  sim.requests.filter(
    (r) => r.method === "GET" && r.authenticated && r.path.endsWith(`/peers/${sim.demo.peers.aws.peerId}`),
  ).length;

/** Submits a CIDR change of the demo AWS peer; resolves once the gateway reports WAITING_FOR_USER. */
async function waitingChange(cidr: string): Promise<ChangeView> {
  const api = changeApi(local.gatewayUrl, TOKEN, transcript);
  const submitted = await api.submit({
    groupId: sim.demo.groupId,
    peerId: sim.demo.peers.aws.peerId,
    peering: awsPeering(sim, cidr),
  });
  expect(submitted.status).toBe(202);
  const id = (submitted.body as { id: string }).id;
  const waiting = await until(
    () => api.get(id),
    (c) => c.state === "WAITING_FOR_USER",
  );
  expect(waiting.state).toBe("WAITING_FOR_USER");
  return waiting;
}

const connectionOf = (change: ChangeView) =>
  (change as { atlas?: { connectionId?: string } }).atlas?.connectionId;

describe("an AcceptVpcPeeringConnection event on the local stack", () => {
  it("moves a waiting change on within seconds, with one Atlas GET", { timeout: 30_000 }, async () => {
    const api = changeApi(local.gatewayUrl, TOKEN, transcript);
    const waiting = await waitingChange("10.30.0.0/21");
    const pcx = connectionOf(waiting);
    expect(pcx).toMatch(/^pcx-[0-9a-f]{17}$/);
    const accepted = await fetch(`${sim.url}/__sim/peers/${sim.demo.peers.aws.peerId}/accept`, {
      method: "POST",
    });
    expect(accepted.status).toBe(200);
    // Nothing notices the accept by itself: the next scheduled check is two minutes away.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api.get(waiting.id)).state).toBe("WAITING_FOR_USER");

    const reads = peerReads();
    const started = Date.now();
    const answer = await postEvent(peeringCall("AcceptVpcPeeringConnection", String(pcx)));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      kind: "rechecked",
      changeId: waiting.id,
      recheck: { kind: "checked" },
    });
    const moved = await until(
      () => api.get(waiting.id),
      (c) => c.state !== "WAITING_FOR_USER",
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(["IN_PROGRESS", "SUCCEEDED"]).toContain(moved.state);
    expect(peerReads() - reads).toBe(1);
  });

  it("asks Atlas nothing for a pcx no change follows, and drops calls it cannot read", async () => {
    const before = sim.requests.length;
    const unknown = await postEvent(peeringCall("AcceptVpcPeeringConnection", "pcx-0fffffffffffffff0"));
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual({ kind: "ignored", reason: "no change follows this connection" });
    const noPcx = await postEvent({ ...peeringCall("RejectVpcPeeringConnection", "x"), id: "e-no-pcx" });
    expect(noPcx.body).toEqual({ kind: "dropped", reason: "no VPC peering connection id in the call" });
    // A call the rules do not ask for is not delivered at all, as on AWS.
    const create = await postEvent(peeringCall("CreateVpcPeeringConnection", "pcx-0fffffffffffffff0"));
    expect(create.status).toBe(400);
    expect(sim.requests.length).toBe(before);
  });

  it("takes the call from this account's default bus too (CloudTrail's bus)", {
    timeout: 30_000,
  }, async () => {
    const api = changeApi(local.gatewayUrl, TOKEN, transcript);
    const waiting = await waitingChange("10.31.0.0/21");
    await fetch(`${sim.url}/__sim/peers/${sim.demo.peers.aws.peerId}/accept`, { method: "POST" });
    const reads = peerReads();
    const {
      detail,
      source,
      "detail-type": detailType,
    } = peeringCall("AcceptVpcPeeringConnection", String(connectionOf(waiting)));
    const client = new EventBridgeClient({
      endpoint: local.cloud.eventBridge.url,
      region: local.cloud.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      // No bus name: the default bus. (On AWS only CloudTrail can put aws.ec2 events there.)
      await client.send(
        new PutEventsCommand({
          Entries: [{ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
        }),
      );
    } finally {
      client.destroy();
    }
    const moved = await until(
      () => api.get(waiting.id),
      (c) => c.state !== "WAITING_FOR_USER",
      5_000,
    );
    expect(["IN_PROGRESS", "SUCCEEDED"]).toContain(moved.state);
    expect(peerReads() - reads).toBe(1);
  });
});
