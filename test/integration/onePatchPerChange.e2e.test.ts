import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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

const TOKEN = "e2e-token-one-patch-per-change";
let sim: AtlasSimulator;
let local: LocalStack;
const transcript = new Transcript();

beforeAll(async () => {
  sim = await startFastSimulator();
  // A sweeper that runs every 200 ms with no grace: it would overlap any request that is slow.
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN, sweepEveryMs: 200 }));
});
afterAll(async () => {
  await local.close();
  await sim.close();
});
beforeEach(() => sim.reset());

function request(cidr: string, extra: object = {}) {
  const { groupId, peers } = sim.demo;
  return { groupId, peerId: peers.aws.peerId, peering: awsPeering(sim, cidr), ...extra };
}

describe("one effective PATCH per change, against the simulator over real sockets", () => {
  it("a PATCH Atlas takes 3 s to answer is sent once, though re-checks and the sweeper keep firing", async () => {
    const api = changeApi(local.gatewayUrl, TOKEN, transcript);
    sim.faults.inject({ latencyMs: 3_000, count: 1, match: { method: "PATCH" } });
    const answer = await api.submit(request("10.71.0.0/21"));
    expect(answer.status).toBeLessThan(300);
    const settled = await api.settled(answer.body.id);
    expect(settled.state).toBe("SUCCEEDED");
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
  });

  it("a cancel or a next change while the PATCH is out is refused, and the answer agrees with the store", async () => {
    const api = changeApi(local.gatewayUrl, TOKEN, transcript);
    sim.faults.inject({ latencyMs: 2_000, count: 1, match: { method: "PATCH" } });
    const slow = api.submit(request("10.72.0.0/21"));
    // Recorded as RETRYING before its PATCH goes out, and answered only once Atlas answers it.
    const listed = await until(
      () =>
        transcript.fetch(
          `${local.gatewayUrl}/v1/peering-changes?groupId=${sim.demo.groupId}&state=RETRYING`,
          {
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        ),
      (page) => page.body.items.length > 0,
    );
    const id = listed.body.items[0]?.id as string;
    const cancel = await transcript.fetch(`${local.gatewayUrl}/v1/peering-changes/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect([cancel.status, cancel.body.type]).toEqual([409, expect.stringMatching(/\/change-sending$/)]);
    const next = await api.submit(request("10.73.0.0/21"));
    expect([next.status, next.body.changeRequestId]).toEqual([409, id]);
    const answered = await slow;
    expect(answered.body.id).toBe(id);
    expect((await api.get(id)).state).toBe(answered.body.state);
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
    expect((await api.settled(id)).state).toBe("SUCCEEDED");
  });
});

describe("a callback host that never answers", () => {
  let hanging: Server;
  const sockets = new Set<Socket>();
  let hits = 0;
  beforeAll(async () => {
    hanging = createServer(() => {
      hits++; // accepts the request and never answers
    });
    hanging.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });

  it("adds nothing to the request, and its delivery attempt is bounded and recorded for a retry", async () => {
    const api = changeApi(local.gatewayUrl, TOKEN, transcript);
    const { port } = hanging.address() as AddressInfo;
    const started = Date.now();
    // The demo peer as the simulator resets it already holds these settings: the change ends at once, with no
    // PATCH, and its callback is due at once.
    const held = sim.demo.peers.aws.routeTableCidrBlock;
    const answer = await api.submit(request(held, { callbackUrl: `http://127.0.0.1:${port}/hook` }));
    const elapsed = Date.now() - started;
    expect(answer.body.state).toBe("SUCCEEDED");
    expect(elapsed).toBeLessThan(2_500);
    await until(
      () => hits,
      (n) => n > 0,
    );
    const pending = await until(
      () =>
        local.cloud.dynamodb.calls.filter(
          (c) => c.action === "PutItem" && JSON.stringify(c.input).includes("TIMEOUT"),
        ),
      (calls) => calls.length > 0,
      12_000,
    );
    expect(pending.length).toBeGreaterThan(0);
    // The bounded attempt closes its socket (the close reaches this server a moment after the timeout).
    expect(
      await until(
        () => sockets.size,
        (open) => open === 0,
        5_000,
      ),
    ).toBe(0);
  });
});
