import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  stackOptions,
  startFastSimulator,
  Transcript,
  until,
} from "./support/gatewayE2e.js";

/**
 * `?envelope=true`: Atlas answers HTTP 200 with the real status in the body. The gateway must judge Atlas's
 * outcome by that status (retries, states), while the drop-in caller still gets the envelope it asked for.
 */

let sim: AtlasSimulator;
let stack: LocalStack;
let api: ReturnType<typeof changeApi>;
const transcript = new Transcript();
const TOKEN = "e2e-envelope-token-5a4b3c2d";

// A fresh stack per test: each test changes the same demo peer, one change per peering at a time.
beforeEach(async () => {
  // The peer stays INITIATING: a change the PATCH started never settles by itself during a test.
  sim = await startFastSimulator({ stepMs: 60_000 });
  stack = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
  api = changeApi(stack.gatewayUrl, TOKEN, transcript);
});
afterEach(async () => {
  await stack.close();
  await sim.close();
});

/** PATCHes the demo AWS peer through the drop-in v2 route with `envelope=true`; returns the answer and the change id. */
async function patchEnveloped(cidr: string) {
  const { groupId, peers } = sim.demo;
  const answer = await transcript.fetch(
    `${stack.gatewayUrl}/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}?envelope=true`,
    {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(awsPeering(sim, cidr)),
    },
  );
  return { ...answer, changeId: answer.headers.get("x-change-request-id") ?? "" };
}

const sent = () => patchesTo(sim, sim.demo.peers.aws.peerId);

describe("envelope=true, over real sockets", () => {
  it("retries an enveloped 503 like a bare one; the change goes IN_PROGRESS", async () => {
    sim.faults.inject({ status: 503, count: 2, match: { method: "PATCH" } });
    const answer = await patchEnveloped("10.9.0.0/21");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 200, content: { statusName: "INITIATING" } });
    expect(sent()).toHaveLength(3);
    expect((await api.get(answer.changeId)).state).toBe("IN_PROGRESS");
  });

  it("keeps the change RETRYING while enveloped 503s outlast the retries, and passes the envelope through", async () => {
    sim.faults.inject({ status: 503, count: 1000, match: { method: "PATCH" } });
    const answer = await patchEnveloped("10.10.0.0/21");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 503, content: { errorCode: "SERVICE_UNAVAILABLE" } });
    expect(sent().length).toBeGreaterThan(1);
    const change = await api.get(answer.changeId);
    expect(change).toMatchObject({ state: "RETRYING", atlas: { httpStatus: 503 } });
    // Atlas recovers: the re-check sends the PATCH again and the change moves on.
    sim.faults.clear();
    const resumed = await until(
      () => api.get(answer.changeId),
      (c) => c.state !== "RETRYING",
    );
    expect(resumed.state).toBe("IN_PROGRESS");
  });

  it("ends an enveloped 400 REJECTED, with one PATCH and Atlas's envelope passed through", async () => {
    sim.faults.inject({ status: 400, errorCode: "INVALID_ATTRIBUTE", match: { method: "PATCH" } });
    const answer = await patchEnveloped("10.11.0.0/21");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 400, content: { errorCode: "INVALID_ATTRIBUTE" } });
    expect(sent()).toHaveLength(1);
    const change = await api.get(answer.changeId);
    expect(change).toMatchObject({
      state: "REJECTED",
      atlas: { httpStatus: 400, errorCode: "INVALID_ATTRIBUTE" },
    });
  });

  it("ends an enveloped 404 REJECTED, as a bare 404 on the PATCH does", async () => {
    sim.faults.inject({ status: 404, errorCode: "PEER_NOT_FOUND", match: { method: "PATCH" } });
    const answer = await patchEnveloped("10.12.0.0/21");
    expect(answer.body).toMatchObject({ status: 404, content: { errorCode: "PEER_NOT_FOUND" } });
    expect(await api.get(answer.changeId)).toMatchObject({
      state: "REJECTED",
      atlas: { httpStatus: 404, errorCode: "PEER_NOT_FOUND" },
    });
  });
});
