import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { AtlasClient } from "../../src/adapters/atlas/AtlasClient.js";
import { createUndiciTransport } from "../../src/adapters/http/undiciTransport.js";
import type { AtlasCredentials } from "../../src/ports/AtlasCredentialSource.js";
import type { PeerCall } from "../../src/ports/AtlasPeeringApi.js";
import { AtlasUnavailableError, TokenEndpointError } from "../../src/ports/AtlasPeeringApi.js";
import { awsPeering } from "./support/gatewayE2e.js";

/**
 * The real AtlasClient and undici transport against the simulator, with a service account and with API keys.
 * The simulator's and the client's clocks are real time plus offsets, so token expiry is reached without waiting.
 */

const TOKEN_PATH = "/api/oauth/token";
const LIFETIME_SECONDS = 120;
const transport = createUndiciTransport({
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
});
const ACCOUNT: AtlasCredentials = {
  kind: "serviceAccount",
  clientId: DEMO_CLIENT_ID,
  clientSecret: DEMO_CLIENT_SECRET,
};
const KEYS: AtlasCredentials = { kind: "apiKey", publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY };
const offsets = { sim: 0, client: 0 };
let sim: AtlasSimulator;
let call: PeerCall;
let body: string;

function client(maxAttempts = 4) {
  return new AtlasClient({
    transport,
    defaultBaseUrl: sim.url,
    retry: { maxAttempts, baseDelayMs: 20, maxDelayMs: 100 },
    now: () => Date.now() + offsets.client,
  });
}

const soon = (ms: number) => Date.now() + offsets.client + ms;
const tokenRequests = () => sim.requests.filter((r) => r.path === TOKEN_PATH);
const apiRequests = () => sim.requests.filter((r) => r.path !== TOKEN_PATH);

beforeAll(async () => {
  sim = await startAtlasSimulator({
    stepMs: 60_000,
    tokenLifetimeSeconds: LIFETIME_SECONDS,
    now: () => Date.now() + offsets.sim,
  });
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
  offsets.sim = 0;
  offsets.client = 0;
});

describe.each([
  ["a service account", ACCOUNT],
  ["API keys", KEYS],
])("AtlasClient with %s", (_label, credentials) => {
  it("PATCHes and reads the peer back", async () => {
    const atlas = client();
    const patched = await atlas.updatePeer(credentials, call, body, { deadline: soon(5_000) });
    expect(patched).toMatchObject({ status: 200, attempts: 1 });
    const read = await atlas.getPeer(credentials, call, { deadline: soon(5_000) });
    expect(JSON.parse(read.body)).toMatchObject({ routeTableCidrBlock: "10.9.0.0/21" });
  });

  it("retries Atlas's 503 within its budget", async () => {
    sim.faults.inject({ status: 503, count: 2 });
    const answer = await client().getPeer(credentials, call, { deadline: soon(5_000) });
    expect(answer).toMatchObject({ status: 200, attempts: 3 });
  });
});

describe("service account tokens against the simulator", () => {
  it("fetches one token and reuses it; the token request is logged with its credentials redacted", async () => {
    const atlas = client();
    await atlas.updatePeer(ACCOUNT, call, body, { deadline: soon(5_000) });
    for (let i = 0; i < 4; i++) await atlas.getPeer(ACCOUNT, call, { deadline: soon(5_000) });
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]).toMatchObject({
      method: "POST",
      body: "grant_type=client_credentials",
      headers: { authorization: "[redacted]", "content-type": "application/x-www-form-urlencoded" },
      authenticated: true,
      status: 200,
    });
    expect(apiRequests().map((r) => [r.status, r.headers.authorization])).toEqual(
      Array(5).fill([200, "[redacted]"]),
    );
    expect(JSON.stringify(sim.requests)).not.toContain(DEMO_CLIENT_SECRET);
  });

  it("renews the token before it expires when the client's clock says it is due", async () => {
    const atlas = client();
    await atlas.getPeer(ACCOUNT, call, { deadline: soon(5_000) });
    offsets.sim = offsets.client = (LIFETIME_SECONDS - 30) * 1000; // 30 s left: past the renewal point
    await atlas.getPeer(ACCOUNT, call, { deadline: soon(5_000) });
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.status)).toEqual([200, 200]);
  });

  it("gets a new token and resends once when Atlas says the cached one expired", async () => {
    const atlas = client();
    await atlas.getPeer(ACCOUNT, call, { deadline: soon(5_000) });
    offsets.sim = (LIFETIME_SECONDS + 1) * 1000; // expired for Atlas; the client's clock did not move
    const answer = await atlas.getPeer(ACCOUNT, call, { deadline: soon(5_000) });
    expect(answer).toMatchObject({ status: 200, attempts: 1 });
    expect(sim.requests.map((r) => [r.path === TOKEN_PATH ? "token" : "api", r.status])).toEqual([
      ["token", 200],
      ["api", 200],
      ["api", 401],
      ["token", 200],
      ["api", 200],
    ]);
  });

  it("waits out the token endpoint's 429 and then succeeds", async () => {
    sim.faults.inject({ status: 429, retryAfterSeconds: 1, match: { path: TOKEN_PATH } });
    const started = Date.now();
    const answer = await client().getPeer(ACCOUNT, call, { deadline: soon(5_000) });
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(tokenRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it("reports Atlas unavailable when the token endpoint's Retry-After ends past the deadline", async () => {
    sim.faults.inject({ status: 429, retryAfterSeconds: 30, match: { path: TOKEN_PATH } });
    const started = Date.now();
    const error = await client()
      .getPeer(ACCOUNT, call, { deadline: soon(2_000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasUnavailableError);
    expect(error).toMatchObject({ attempts: 1, retryAfterSeconds: 30 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(apiRequests()).toHaveLength(0);
  });

  it("fails at once, without retrying, for a wrong client secret", async () => {
    const wrong = { ...ACCOUNT, clientSecret: "mdb_sa_sk_wrong-secret-0001" };
    const error = await client()
      .getPeer(wrong, call, { deadline: soon(5_000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect((error as Error).message).not.toContain("wrong-secret");
    expect(tokenRequests().map((r) => [r.status, r.authenticated])).toEqual([[401, false]]);
  });
});

describe("the simulator's token endpoint", () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  const post = (authorization: string, form = "grant_type=client_credentials") =>
    fetch(`${sim.url}${TOKEN_PATH}`, {
      method: "POST",
      headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });

  it("grants a bearer token for the demo account and refuses wrong credentials", async () => {
    const granted = await post(basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET));
    expect(granted.status).toBe(200);
    expect(granted.headers.get("cache-control")).toBe("no-store");
    expect(await granted.json()).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: LIFETIME_SECONDS,
    });
    const refused = await post(basic(DEMO_CLIENT_ID, "nope"));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "invalid_client" });
    const grant = await post(basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), "grant_type=password");
    expect(await grant.json()).toEqual({ error: "unsupported_grant_type" });
  });

  it("answers a 429 fault with Atlas's RATE_LIMITED body and Retry-After", async () => {
    sim.faults.inject({ status: 429, match: { path: TOKEN_PATH } });
    const limited = await post(basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("10");
    expect(await limited.json()).toMatchObject({
      error: 429,
      errorCode: "RATE_LIMITED",
      detail: "Resource /api/oauth/token is limited to 10 requests every 1 minutes.",
      parameters: ["/api/oauth/token", 10, 1],
    });
  });

  it("refuses an unknown bearer token on the API with 401", async () => {
    const path = `/api/atlas/v2/groups/${call.groupId}/peers/${call.peerId}`;
    const answer = await fetch(`${sim.url}${path}`, {
      headers: { authorization: "Bearer not-a-token", accept: "application/vnd.atlas.2023-01-01+json" },
    });
    expect(answer.status).toBe(401);
    expect(sim.requests.at(-1)).toMatchObject({
      authenticated: false,
      headers: { authorization: "[redacted]" },
    });
  });
});
