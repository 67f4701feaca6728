import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AtlasSimulator, startAtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { awsPeering, patchesTo, stackOptions } from "./support/gatewayE2e.js";

const TOKEN = "e2e-token-idempotency-race";
let sim: AtlasSimulator;
let local: LocalStack;

beforeAll(async () => {
  sim = await startAtlasSimulator({ stepMs: 1_000 });
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local.close();
  await sim.close();
});

describe("ten requests with one Idempotency-Key at once (the local stack, DynamoDB in dynalite)", () => {
  it("all get the one change, none a 5xx, and Atlas sees one PATCH", async () => {
    const { groupId, peers } = sim.demo;
    const body = JSON.stringify({
      groupId,
      peerId: peers.aws.peerId,
      peering: awsPeering(sim, "10.61.0.0/21"),
      reason: "race",
    });
    const send = () =>
      fetch(`${local.gatewayUrl}/v1/peering-changes`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          "idempotency-key": "deploy-race-1",
        },
        body,
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as { id?: string },
      }));
    const answers = await Promise.all(Array.from({ length: 10 }, send));
    expect(answers.map((a) => a.status).filter((status) => status >= 300)).toEqual([]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(patchesTo(sim, peers.aws.peerId)).toHaveLength(1);
  });
});
