import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { AtlasClient } from "../../src/adapters/atlas/AtlasClient.js";
import { createUndiciTransport } from "../../src/adapters/http/undiciTransport.js";
import type { PeerCall } from "../../src/ports/AtlasPeeringApi.js";
import { AtlasUnavailableError } from "../../src/ports/AtlasPeeringApi.js";
import { awsPeering } from "./support/gatewayE2e.js";

const transport = createUndiciTransport({
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
});
const keys = { kind: "apiKey" as const, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY };
let sim: AtlasSimulator;
let call: PeerCall;
let body: string;
const retries: Array<{ attempt: number; status?: number; errorCode?: string; delayMs: number }> = [];

function client(maxAttempts = 4) {
  return new AtlasClient({
    transport,
    defaultBaseUrl: sim.url,
    retry: { maxAttempts, baseDelayMs: 20, maxDelayMs: 100 },
    onRetry: (event) => retries.push(event),
  });
}

beforeAll(async () => {
  sim = await startAtlasSimulator({ stepMs: 60_000 });
  const { groupId, peers } = sim.demo;
  call = { groupId, peerId: peers.aws.peerId, apiVersion: "v2", query: {} };
  body = JSON.stringify(awsPeering(sim, "10.9.0.0/21"));
});
afterAll(async () => {
  await transport.close();
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  retries.length = 0;
});

const soon = (ms: number) => Date.now() + ms;

describe("AtlasClient against the simulator", () => {
  it("retries a GET's 500 answers and dropped connections, and returns the success with the attempt count", async () => {
    sim.faults.inject({ status: 500, count: 1, match: { method: "GET" } });
    sim.faults.inject({ reset: "connection", count: 1, match: { method: "GET" } });
    const before = sim.requests.length;
    const answer = await client().getPeer(keys, call, { deadline: soon(10_000) });
    expect(answer.status).toBe(200);
    // A reset on a kept-alive socket is re-sent at once by the transport (a GET may be), the 500 by the client.
    const gets = sim.requests.slice(before).filter((r) => r.method === "GET" && r.status !== 401);
    expect(gets.map((r) => r.status)).toEqual([500, 0, 200]);
  });

  it("retries a PATCH Atlas did not act on (429, 503), never one it may have applied (500, a dropped connection)", async () => {
    // Digest challenges (401) are the handshake, not attempts.
    const patches = () => sim.requests.filter((r) => r.method === "PATCH" && r.status !== 401).length;
    sim.faults.inject({ status: 503, count: 1, match: { method: "PATCH" } });
    sim.faults.inject({ status: 429, count: 1, retryAfterSeconds: 0, match: { method: "PATCH" } });
    expect(await client().updatePeer(keys, call, body, { deadline: soon(10_000) })).toMatchObject({
      status: 200,
      attempts: 3,
    });
    retries.length = 0;
    const before500 = patches();
    sim.faults.inject({ status: 500, count: 1, match: { method: "PATCH" } });
    const answer = await client().updatePeer(keys, call, body, { deadline: soon(10_000) });
    expect(answer).toMatchObject({ status: 500, attempts: 1 });
    expect(patches() - before500).toBe(1);
    // A warm client: the reset lands on a kept-alive socket, which must not be re-sent blindly either.
    const warm = client();
    await warm.getPeer(keys, call, { deadline: soon(10_000) });
    const beforeReset = sim.requests.length;
    sim.faults.inject({ reset: "connection", count: 1, match: { method: "PATCH" } });
    const failure = await warm
      .updatePeer(keys, call, body, { deadline: soon(10_000) })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AtlasUnavailableError);
    expect((failure as AtlasUnavailableError).mayHaveArrived).toBe(true);
    expect(
      sim.requests.slice(beforeReset).filter((r) => r.method === "PATCH" && r.status !== 401),
    ).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it("gives Atlas's last answer back when the attempts run out", async () => {
    sim.faults.inject({ status: 503, count: 10, match: { method: "PATCH" } });
    const answer = await client(3).updatePeer(keys, call, body, { deadline: soon(10_000) });
    expect(answer).toMatchObject({ status: 503, attempts: 3 });
  });

  it("does not wait for a Retry-After that ends past the deadline", async () => {
    sim.faults.inject({ status: 429, count: 1, retryAfterSeconds: 30, match: { method: "PATCH" } });
    const started = Date.now();
    const answer = await client().updatePeer(keys, call, body, { deadline: soon(2_000) });
    expect(answer.status).toBe(429);
    expect(answer.headers["retry-after"]).toBe("30");
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(retries).toEqual([]);
  });

  it("never retries other 4xx", async () => {
    const wrongPeer = { ...call, peerId: "aaaaaaaaaaaaaaaaaaaaaaaa" };
    const answer = await client().updatePeer(keys, wrongPeer, body, { deadline: soon(5_000) });
    expect(answer).toMatchObject({ status: 404, attempts: 1 });
    expect(JSON.parse(answer.body)).toMatchObject({ errorCode: "PEER_NOT_FOUND" });
  });

  it("retries a dropped connection, then reports Atlas unreachable when it keeps dropping", async () => {
    sim.faults.inject({ reset: "connection", count: 1, match: { method: "GET" } });
    expect((await client().getPeer(keys, call, { deadline: soon(5_000) })).status).toBe(200);
    sim.faults.inject({ reset: "connection", count: 10, match: { method: "GET" } });
    const error = await client(3)
      .getPeer(keys, call, { deadline: soon(5_000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasUnavailableError);
    expect(error).toMatchObject({ attempts: 3 });
    expect(retries.some((r) => r.errorCode !== undefined)).toBe(true);
  });

  it("answers 401 for wrong keys without retrying", async () => {
    const answer = await client().getPeer({ ...keys, privateKey: "wrong" }, call, { deadline: soon(5_000) });
    expect(answer).toMatchObject({ status: 401, attempts: 1 });
  });
});
