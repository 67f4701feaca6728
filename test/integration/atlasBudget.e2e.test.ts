import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator, DemoAwsPeer } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import { changeApi, patchesTo, stackOptions, startFastSimulator, Transcript } from "./support/gatewayE2e.js";

/**
 * The shared Atlas rate budget end to end: 50 changes to 50 peers of one project, all submitted at once,
 * against a simulator that enforces Atlas's token bucket (10 tokens, 5 more every half second). Every
 * function of the local stack is its own "container" with its own Atlas client; they draw from one budget
 * in DynamoDB (sized from the simulator's `GET /rateLimits`), so Atlas never has to refuse one request,
 * and every change still settles.
 */

const TOKEN = "e2e-token-atlas-budget-0001";
const CHANGES = 50;
let sim: AtlasSimulator;
let local: LocalStack;

beforeAll(async () => {
  sim = await startFastSimulator({ stepMs: 100, rateLimit: "10/5/0.5", demoPeers: CHANGES });
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
});

function peeringOf(peer: DemoAwsPeer, index: number) {
  const { accepterRegionName, awsAccountId, containerId, vpcId } = peer;
  return {
    accepterRegionName,
    awsAccountId,
    containerId,
    vpcId,
    routeTableCidrBlock: `10.200.${index}.0/24`,
  };
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"]);

/** Reads every change every 2 s (50 reads every few ms would load the gateway more than Atlas). */
async function settle(api: ReturnType<typeof changeApi>, ids: string[], ms: number): Promise<ChangeView[]> {
  const end = Date.now() + ms;
  for (;;) {
    const views = await Promise.all(ids.map((id) => api.get(id)));
    if (views.every((view) => TERMINAL.has(view.state)) || Date.now() > end) return views;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

describe("a shared Atlas rate budget", () => {
  it("sends 50 changes in one project through a 10/5 bucket with no 429, and all settle", {
    timeout: 240_000,
  }, async () => {
    const peers = sim.demo.awsPeers ?? [];
    expect(peers).toHaveLength(CHANGES);
    const api = changeApi(local.gatewayUrl, TOKEN, new Transcript());
    const submitted = await Promise.all(
      peers.map((peer, index) =>
        api.submit({ groupId: sim.demo.groupId, peerId: peer.peerId, peering: peeringOf(peer, index) }),
      ),
    );
    expect(submitted.map((s) => s.status)).toEqual(submitted.map(() => 202));
    const ids = submitted.map((s) => String(s.body.id));
    // Generous: on a loaded 2-core machine the 50 changes take up to ~90 s; the assertions, not the clock, decide.
    const settled = await settle(api, ids, 210_000);
    expect(settled.map((view) => view.state)).toEqual(ids.map(() => "SUCCEEDED"));
    const answered = sim.requests.filter((r) => r.path.startsWith("/api/atlas/"));
    expect(answered.filter((r) => r.status === 429)).toEqual([]);
    // Exactly one PATCH reached Atlas per change: a call the budget held back was never sent.
    for (const peer of peers) expect(patchesTo(sim, peer.peerId)).toHaveLength(1);
    // The budget was sized from Atlas's own figures, asked once and shared by every function.
    expect(answered.filter((r) => r.path === "/api/atlas/v2/rateLimits").length).toBeGreaterThanOrEqual(1);
    const waited = settled.filter((view) =>
      view.history.some((h) => h.note?.startsWith("Atlas budget empty: not sent, next token at ")),
    );
    expect(waited.length).toBeGreaterThan(0);
  });
});
