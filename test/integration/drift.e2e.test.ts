import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import type { DriftedEventDetail, PublishedChangeEvent } from "../../local/publishedEvents.js";
import { type AtlasSimulator, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { DRIFTED_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
import {
  awsPeering,
  changeApi,
  stackOptions,
  startFastSimulator,
  Transcript,
  until,
} from "./support/gatewayE2e.js";
import { digestFetch } from "./support/simDigest.js";

/**
 * Drift (issue 15 item 4) on the local stack over real sockets: a peering the gateway settled, then changed
 * behind its back (a PATCH straight to the simulator) or failed on its own, is announced as `Peering Drifted`
 * within one drift interval, to the bus and to the last requester's callback, once; a peering a change is
 * working on is left alone.
 */

const TOKEN = "e2e-token-drift-check-0001";
const DRIFT_SECONDS = 2;
const SWEEP_EVERY_MS = 300;
const V2_TYPE = "application/vnd.atlas.2023-01-01+json";

let sim: AtlasSimulator | undefined;
let local: LocalStack | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  await local?.close();
  await sim?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  local = sim = receiver = undefined;
});

async function start(autoAccept = true) {
  sim = await startFastSimulator({ autoAccept });
  local = await startLocalStack(
    stackOptions(sim, {
      devToken: TOKEN,
      sweepEveryMs: SWEEP_EVERY_MS,
      driftCheckSeconds: DRIFT_SECONDS,
      ...(process.env.H17_DEBUG ? { logLevel: "INFO" } : {}),
    }),
  );
  return { sim, local, api: changeApi(local.gatewayUrl, TOKEN, new Transcript()) };
}

/** A callback receiver on 127.0.0.1 that keeps every delivery. */
async function startReceiver() {
  const received: Array<{ headers: IncomingMessage["headers"]; body: string }> = [];
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, received };
}

/** The `Peering Drifted` events, as `GET /__local/events` lists them. */
async function drifts(stack: LocalStack): Promise<DriftedEventDetail[]> {
  const events = (await (await fetch(`${stack.gatewayUrl}/__local/events`)).json()) as PublishedChangeEvent[];
  return events.flatMap((e) => (e.detailType === DRIFTED_DETAIL_TYPE ? [e.detail] : []));
}

/** A PATCH to the simulator as another tool (or the Atlas UI) would send it: the gateway is not involved. */
async function patchOutOfBand(simulator: AtlasSimulator, peerId: string, body: object) {
  const url = `${simulator.url}/api/atlas/v2/groups/${simulator.demo.groupId}/peers/${peerId}`;
  const answer = await digestFetch(url, {
    method: "PATCH",
    headers: { Accept: V2_TYPE, "Content-Type": V2_TYPE },
    body: JSON.stringify(body),
    username: DEMO_PUBLIC_KEY,
    password: DEMO_PRIVATE_KEY,
  });
  expect(answer.status).toBe(200);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** One drift interval, plus the sweeper tick it may wait for and a second for the calls themselves. */
const ONE_INTERVAL_MS = DRIFT_SECONDS * 1000 + SWEEP_EVERY_MS + 1_000;

describe("the drift check on the local stack", () => {
  it("reports an out-of-band PATCH as Peering Drifted within one interval, to the bus and the callback, once", {
    timeout: 40_000,
  }, async () => {
    const { sim, local, api } = await start();
    const hook = await startReceiver();
    const { groupId, peers } = sim.demo;
    const submitted = await api.submit({
      groupId,
      peerId: peers.aws.peerId,
      peering: awsPeering(sim, "10.30.0.0/21"),
      callbackUrl: hook.url,
    });
    expect(submitted.status).toBe(202);
    const id = (submitted.body as { id: string }).id;
    expect((await api.settled(id)).state).toBe("SUCCEEDED");
    await until(
      () => hook.received.filter((m) => m.body.includes('"SUCCEEDED"')).length,
      (n) => n === 1,
    );
    // Checks of the settled peering find Atlas as the change left it: nothing to report.
    await pause(ONE_INTERVAL_MS);
    expect(await drifts(local)).toEqual([]);

    const { containerId: _atlasSide, ...fields } = awsPeering(sim, "10.99.0.0/21");
    await patchOutOfBand(sim, peers.aws.peerId, { providerName: "AWS", ...fields });
    const patchedAt = Date.now();
    const seen = await until(
      () => drifts(local),
      (found) => found.length > 0,
      ONE_INTERVAL_MS,
    );
    expect(Date.now() - patchedAt).toBeLessThanOrEqual(ONE_INTERVAL_MS + 100);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      groupId,
      peerId: peers.aws.peerId,
      provider: "AWS",
      lastChangeId: id,
      fields: [{ field: "routeTableCidrBlock", expected: "10.30.0.0/21", actual: "10.99.0.0/21" }],
      atlasStatus: expect.any(String),
    });

    // The last requester's callback, signed with its secret, typed as a drift.
    const driftCallbacks = () => hook.received.filter((m) => m.body.includes('"peering.drifted"'));
    await until(
      () => driftCallbacks().length,
      (n) => n === 1,
    );
    const secret = (await local.deps.callers.registry()).callers[0]?.callbackSecret ?? "";
    const last = driftCallbacks()[0];
    if (!last) throw new Error("no drift callback");
    const payload = new Webhook(secret).verify(last.body, last.headers as Record<string, string>) as {
      type: string;
      data: { id: string; drift: { fields: Array<{ field: string }> } };
    };
    expect(payload.type).toBe("peering.drifted");
    expect(payload.data.id).toBe(id);
    expect(payload.data.drift.fields.map((f) => f.field)).toEqual(["routeTableCidrBlock"]);

    // Seen again on later checks while the peer re-initiates and settles: not announced twice.
    await pause(2 * ONE_INTERVAL_MS);
    expect(await drifts(local)).toHaveLength(1);
    expect(driftCallbacks()).toHaveLength(1);
  });

  it("reports a peer that went FAILED on its own, with Atlas's status", { timeout: 30_000 }, async () => {
    const { sim, local, api } = await start();
    const { groupId, peers } = sim.demo;
    const { containerId, gcpProjectId, networkName } = peers.gcp;
    const submitted = await api.submit({
      groupId,
      peerId: peers.gcp.peerId,
      peering: { providerName: "GCP", containerId, gcpProjectId, networkName },
    });
    const id = (submitted.body as { id: string }).id;
    expect((await api.settled(id)).state).toBe("SUCCEEDED");
    const failed = await fetch(`${sim.url}/__sim/peers/${peers.gcp.peerId}/fail`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errorStateName: "INVALID_ARGUMENT" }),
    });
    expect(failed.status).toBe(200);
    const seen = await until(
      () => drifts(local),
      (found) => found.length > 0,
      ONE_INTERVAL_MS,
    );
    expect(seen).toEqual([
      expect.objectContaining({
        peerId: peers.gcp.peerId,
        lastChangeId: id,
        fields: [],
        atlasStatus: "FAILED",
      }),
    ]);
  });

  it("leaves a peering alone while a change is working on it", { timeout: 40_000 }, async () => {
    const { sim, local, api } = await start(false);
    const { groupId, peers } = sim.demo;
    const peerId = peers.aws.peerId;
    const accept = () => fetch(`${sim.url}/__sim/peers/${peerId}/accept`, { method: "POST" });
    const first = await api.submit({ groupId, peerId, peering: awsPeering(sim, "10.40.0.0/21") });
    const firstId = (first.body as { id: string }).id;
    await until(
      () => api.get(firstId),
      (c) => c.state === "WAITING_FOR_USER",
    );
    await accept();
    expect((await api.settled(firstId)).state).toBe("SUCCEEDED");

    // The next change re-points the peer: Atlas no longer holds the first one's CIDR, by the gateway's doing.
    const second = await api.submit({ groupId, peerId, peering: awsPeering(sim, "10.41.0.0/21") });
    const secondId = (second.body as { id: string }).id;
    await until(
      () => api.get(secondId),
      (c) => c.state === "WAITING_FOR_USER",
    );
    await pause(2 * ONE_INTERVAL_MS);
    expect(await drifts(local)).toEqual([]);

    // Settled, the second change is the baseline, and Atlas holds it.
    await accept();
    expect((await api.settled(secondId)).state).toBe("SUCCEEDED");
    await pause(ONE_INTERVAL_MS);
    expect(await drifts(local)).toEqual([]);
  });
});
