import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PublishedChangeEvent } from "../../local/publishedEvents.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { LOCAL_EVENT_SOURCE, type LocalStack, startLocalStack } from "../../local/stack.js";
import type { ChangeRejection } from "../../src/ports/ChangeNotifications.js";
import { REJECTED_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";

const TOKEN = "e2e-token-events-in-0001";
let sim: AtlasSimulator;
let local: LocalStack;
const transcript = new Transcript();

beforeAll(async () => {
  sim = await startFastSimulator();
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local.close();
  await sim.close();
});

/** A whole `Peering Change Requested` event as EventBridge delivers it. */
function requestedEvent(detail: object, envelope: { id?: string; source?: string } = {}) {
  return {
    version: "0",
    id: envelope.id ?? randomUUID(),
    "detail-type": "Peering Change Requested",
    source: envelope.source ?? LOCAL_EVENT_SOURCE,
    account: "000000000000",
    time: new Date().toISOString(),
    region: "eu-west-1",
    resources: [],
    detail,
  };
}

function awsDetail(peering: object) {
  return { groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId, peering, reason: "events e2e" };
}

function putEvent(event: object) {
  return transcript.fetch(`${local.gatewayUrl}/__local/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(event),
  });
}

/** The `Peering Change Rejected` details the gateway published about one event. */
async function rejectionsOf(eventId: string): Promise<ChangeRejection[]> {
  const events = (await transcript.fetch(`${local.gatewayUrl}/__local/events`))
    .body as PublishedChangeEvent[];
  return events.flatMap((e) =>
    e.detailType === REJECTED_DETAIL_TYPE && e.detail.event.id === eventId ? [e.detail] : [],
  );
}

const api = () => changeApi(local.gatewayUrl, TOKEN, transcript);

describe("change requests arriving as EventBridge events", () => {
  it("submits a valid event as the mapped caller, and the change reaches SUCCEEDED on channel eventbridge", async () => {
    const patchesBefore = patchesTo(sim, sim.demo.peers.aws.peerId).length;
    const answer = await putEvent(requestedEvent(awsDetail(awsPeering(sim, "10.30.0.0/21"))));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ kind: "submitted", changeId: expect.any(String) });
    const change = await api().settled(answer.body.changeId);
    expect(change).toMatchObject({
      state: "SUCCEEDED",
      channel: "eventbridge",
      callerId: "local-dev",
      reason: "events e2e",
      desired: awsPeering(sim, "10.30.0.0/21"),
    });
    const patches = patchesTo(sim, sim.demo.peers.aws.peerId).slice(patchesBefore);
    expect(patches.map((p) => JSON.parse(p.body))).toEqual([awsPeering(sim, "10.30.0.0/21")]);
  });

  it("answers a redelivered event (same id) with the same change, replayed, and sends no second PATCH", async () => {
    const patchesBefore = patchesTo(sim, sim.demo.peers.aws.peerId).length;
    const event = requestedEvent(awsDetail(awsPeering(sim, "10.31.0.0/21")));
    const first = await putEvent(event);
    const whileInFlight = await putEvent(event);
    expect(first.body).toMatchObject({ kind: "submitted" });
    expect(whileInFlight.status).toBe(202);
    expect(whileInFlight.body).toMatchObject({ kind: "replayed", changeId: first.body.changeId });
    expect((await api().settled(first.body.changeId)).state).toBe("SUCCEEDED");
    const afterSettling = await putEvent(event);
    expect(afterSettling.body).toMatchObject({
      kind: "replayed",
      changeId: first.body.changeId,
      state: "SUCCEEDED",
    });
    expect(patchesTo(sim, sim.demo.peers.aws.peerId).slice(patchesBefore)).toHaveLength(1);
  });

  it("rejects an invalid detail with 422 and a Rejected event naming every bad field by path", async () => {
    const requestsBefore = sim.requests.length;
    const peering = { ...awsPeering(sim, "10.32.0.0/21"), vpcId: "vpc-123", colour: "blue" };
    const event = requestedEvent(awsDetail(peering));
    const answer = await putEvent(event);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      kind: "rejected",
      reason: "the event is not a valid peering change request",
    });
    const answered = (answer.body as { errors?: Array<{ path: string }> }).errors ?? [];
    expect(answered.map((e) => e.path)).toEqual(
      expect.arrayContaining(["detail.peering.vpcId", "detail.peering.colour"]),
    );
    const [rejection, ...others] = await rejectionsOf(event.id);
    expect(others).toEqual([]);
    expect(rejection).toMatchObject({
      reason: "the event is not a valid peering change request",
      event: { id: event.id, source: LOCAL_EVENT_SOURCE, account: "000000000000" },
    });
    const paths = (rejection?.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["detail.peering.vpcId", "detail.peering.colour"]));
    // The rejection names the event by its ids only: the request's own values stay off the bus.
    expect(JSON.stringify(rejection)).not.toContain("events e2e");
    expect(sim.requests).toHaveLength(requestsBefore);
  });

  it("rejects an event from a source no caller maps, without calling Atlas", async () => {
    const requestsBefore = sim.requests.length;
    const event = requestedEvent(awsDetail(awsPeering(sim, "10.33.0.0/21")), { source: "com.example.rogue" });
    const answer = await putEvent(event);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      kind: "rejected",
      reason: "no caller is registered for this event source and account",
    });
    const [rejection] = await rejectionsOf(event.id);
    expect(rejection).toMatchObject({ event: { id: event.id, source: "com.example.rogue" } });
    expect(sim.requests).toHaveLength(requestsBefore);
  });

  it("takes a bare detail as an event from the local automation source", async () => {
    const answer = await putEvent(awsDetail(awsPeering(sim, "10.34.0.0/21")));
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ kind: "submitted", changeId: expect.any(String) });
    expect(await api().settled(answer.body.changeId)).toMatchObject({
      state: "SUCCEEDED",
      channel: "eventbridge",
      callerId: "local-dev",
    });
  });

  it("refuses an event no rule of the gateway's bus matches with 400, and no function runs", async () => {
    const requestsBefore = sim.requests.length;
    const event = { ...requestedEvent(awsDetail(awsPeering(sim, "10.35.0.0/21"))), "detail-type": "Other" };
    const answer = await putEvent(event);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^no rule of bus atlas-peering-gateway-local matches this event/);
    expect(await rejectionsOf(event.id)).toEqual([]);
    expect(sim.requests).toHaveLength(requestsBefore);
  });
});

describe("change requests put on the gateway's bus (EventBridge PutEvents)", () => {
  it("reach the events function through the bus's rule, and the change reaches SUCCEEDED", async () => {
    const { eventBridge, names, region } = local.cloud;
    const client = new EventBridgeClient({
      endpoint: eventBridge.url,
      region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const detail = awsDetail(awsPeering(sim, "10.36.0.0/21"));
    try {
      const put = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: names.eventBus,
              Source: LOCAL_EVENT_SOURCE,
              DetailType: "Peering Change Requested",
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
      expect(put.FailedEntryCount).toBe(0);
    } finally {
      client.destroy();
    }
    await eventBridge.settled();
    expect(eventBridge.deliveryFailures).toEqual([]);
    const listed = await vi.waitFor(async () => {
      const { body } = await transcript.fetch(
        `${local.gatewayUrl}/v1/peering-changes?groupId=${sim.demo.groupId}&peerId=${sim.demo.peers.aws.peerId}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      const found = (body.items as Array<{ id: string; desired: object }>).find(
        (c) => JSON.stringify(c.desired) === JSON.stringify(detail.peering),
      );
      expect(found).toBeDefined();
      return found;
    });
    expect(await api().settled(listed?.id ?? "")).toMatchObject({
      state: "SUCCEEDED",
      channel: "eventbridge",
    });
  });
});
