import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { awsPeering, patchesTo, stackOptions, startFastSimulator } from "./support/gatewayE2e.js";

const TOKEN = "e2e-token-bad-input";
let sim: AtlasSimulator;
let local: LocalStack;

beforeAll(async () => {
  sim = await startFastSimulator();
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local.close();
  await sim.close();
});

const send = (path: string, init: RequestInit = {}) =>
  fetch(`${local.gatewayUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers },
  });

describe("bad input against the local stack (DynamoDB in dynalite): a 4xx, never the store's 503", () => {
  it("a 3 KB change id is an unknown change, a 3 KB cursor a bad query", async () => {
    expect((await send(`/v1/peering-changes/${"a".repeat(3000)}`)).status).toBe(404);
    const cursor = `/v1/peering-changes?groupId=${sim.demo.groupId}&cursor=${"b".repeat(3000)}`;
    expect((await send(cursor)).status).toBe(400);
    const audit = `/v1/audit?groupId=${sim.demo.groupId}&cursor=${"c".repeat(3000)}`;
    expect((await send(audit)).status).toBe(400);
  });

  it("a deep body and a body with a key twice are refused naming the rule, and never reach Atlas", async () => {
    const path = `/api/atlas/v2/groups/${sim.demo.groupId}/peers/${sim.demo.peers.aws.peerId}`;
    const deep = await send(path, { method: "PATCH", body: `${"[".repeat(3000)}${"]".repeat(3000)}` });
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { errors: unknown[] }).errors).toEqual([
      { path: "body", message: "nests deeper than 32 levels" },
    ]);
    const body = JSON.stringify(awsPeering(sim, "8.8.8.0/24")).replace(
      /}$/,
      ',"routeTableCidrBlock":"10.9.0.0/21"}',
    );
    const twice = await send(path, { method: "PATCH", body });
    expect(twice.status).toBe(400);
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toEqual([]);
  });
});
