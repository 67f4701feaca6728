import { execFile } from "node:child_process";
import { request } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import {
  digestAuthorization,
  digestFetch,
  fetchChallenge,
  parseChallenge,
  requestTarget,
  type SimResponse,
  simFetch,
} from "./support/simDigest.js";

const runFile = promisify(execFile);
const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
const STEP_MS = 2000;
const CHALLENGE =
  /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false$/;

let clock = Date.UTC(2026, 0, 1);
let sim: AtlasSimulator;

beforeAll(async () => {
  sim = await startAtlasSimulator({ host: "127.0.0.1", port: 0, stepMs: STEP_MS, now: () => clock });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
});

type Generation = "v1.0" | "v2";
type Provider = "aws" | "azure" | "gcp";

function peerUrl(generation: Generation, provider: Provider = "aws", query = ""): string {
  const { groupId, peers } = sim.demo;
  return `${sim.url}/api/atlas/${generation}/groups/${groupId}/peers/${peers[provider].peerId}${query}`;
}

interface ApiCall {
  method?: string;
  body?: unknown;
  accept?: string;
  password?: string;
}

/** A digest-authenticated call; v2 URLs get the versioned Accept header unless the test says otherwise. */
function api(url: string, call: ApiCall = {}): Promise<SimResponse> {
  const accept = call.accept ?? (url.includes("/api/atlas/v2/") ? V2_TYPE : "application/json");
  const headers: Record<string, string> = { Accept: accept };
  const options: Parameters<typeof digestFetch>[1] = {
    method: call.method ?? "GET",
    headers,
    username: DEMO_PUBLIC_KEY,
    password: call.password ?? DEMO_PRIVATE_KEY,
  };
  if (call.body !== undefined) {
    headers["Content-Type"] = accept;
    options.body = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
  }
  return digestFetch(url, options);
}

function json(response: SimResponse): Record<string, unknown> {
  return JSON.parse(response.text) as Record<string, unknown>;
}

async function status(url: string): Promise<unknown> {
  const body = json(await api(url));
  return body.statusName ?? body.status;
}

function control(method: string, path: string, body?: unknown): Promise<SimResponse> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = JSON.stringify(body);
  return simFetch(`${sim.url}${path}`, init);
}

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await runFile("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", ...args]);
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** A request on its own connection, resolving with the socket error when the server drops it. */
function rawGet(url: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

describe("digest authentication", () => {
  it("challenges an anonymous request exactly like Atlas", async () => {
    const response = await simFetch(peerUrl("v1.0"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(CHALLENGE);
    expect(response.headers.get("content-type")).toBe("application/json;charset=ISO-8859-1");
    expect(json(response)).toEqual({
      error: 401,
      reason: "Unauthorized",
      detail: "You are not authorized for this resource.",
    });
  });

  it("serves GET to curl --digest", async () => {
    const result = await curl(["--digest", "-u", `${DEMO_PUBLIC_KEY}:${DEMO_PRIVATE_KEY}`, peerUrl("v1.0")]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      statusName: "AVAILABLE",
      vpcId: "vpc-0123456789abcdef0",
    });
  });

  it("serves PATCH to curl --digest on v2", async () => {
    const result = await curl([
      ...["--digest", "-u", `${DEMO_PUBLIC_KEY}:${DEMO_PRIVATE_KEY}`, "-X", "PATCH"],
      ...["-H", `Accept: ${V2_TYPE}`, "-H", `Content-Type: ${V2_TYPE}`],
      ...["--data", '{"routeTableCidrBlock":"10.15.0.0/24"}', peerUrl("v2")],
    ]);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      statusName: "INITIATING",
      routeTableCidrBlock: "10.15.0.0/24",
    });
  });

  it("refuses curl with a wrong private key", async () => {
    const result = await curl(["--digest", "-u", `${DEMO_PUBLIC_KEY}:wrong-secret`, peerUrl("v1.0")]);
    expect(result.status).toBe(401);
    expect(sim.requests.every((entry) => !entry.authenticated)).toBe(true);
  });

  it("refuses a wrong public key and a digest signed for another uri", async () => {
    const url = peerUrl("v1.0");
    const challenge = await fetchChallenge(url);
    const sign = (uri: string, username: string) =>
      digestAuthorization({ method: "GET", uri, username, password: DEMO_PRIVATE_KEY, challenge });
    const otherUri = requestTarget(peerUrl("v1.0", "gcp"));
    expect(
      (await simFetch(url, { headers: { Authorization: sign(otherUri, DEMO_PUBLIC_KEY) } })).status,
    ).toBe(401);
    const wrongUser = sign(requestTarget(url), "someoneelse");
    expect((await simFetch(url, { headers: { Authorization: wrongUser } })).status).toBe(401);
  });

  it("rejects a replayed nonce count and accepts the next one", async () => {
    const url = peerUrl("v1.0");
    const challenge = await fetchChallenge(url);
    const signing = { method: "GET", uri: requestTarget(url), username: DEMO_PUBLIC_KEY, challenge };
    const first = digestAuthorization({ ...signing, password: DEMO_PRIVATE_KEY, nc: 1, cnonce: "abc" });
    expect((await simFetch(url, { headers: { Authorization: first } })).status).toBe(200);
    const replay = await simFetch(url, { headers: { Authorization: first } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get("www-authenticate")).toContain("stale=false");
    const second = digestAuthorization({ ...signing, password: DEMO_PRIVATE_KEY, nc: 2 });
    expect((await simFetch(url, { headers: { Authorization: second } })).status).toBe(200);
  });

  it("answers an expired nonce with stale=true, and a wrong key on it with stale=false", async () => {
    const url = peerUrl("v1.0");
    const challenge = await fetchChallenge(url);
    clock += 300_001;
    const signing = { method: "GET", uri: requestTarget(url), username: DEMO_PUBLIC_KEY, challenge };
    const stale = await simFetch(url, {
      headers: { Authorization: digestAuthorization({ ...signing, password: DEMO_PRIVATE_KEY }) },
    });
    expect(stale.status).toBe(401);
    const renewed = parseChallenge(stale.headers.get("www-authenticate"));
    expect(renewed.get("stale")).toBe("true");
    expect(renewed.get("nonce")).not.toBe(challenge.get("nonce"));
    const wrong = await simFetch(url, {
      headers: { Authorization: digestAuthorization({ ...signing, password: "nope" }) },
    });
    expect(wrong.headers.get("www-authenticate")).toContain("stale=false");
  });

  it("refuses a nonce it never issued", async () => {
    const url = peerUrl("v1.0");
    const challenge = new Map([
      ["realm", "MMS Public API"],
      ["nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ]);
    const authorization = digestAuthorization({
      method: "GET",
      uri: requestTarget(url),
      username: DEMO_PUBLIC_KEY,
      password: DEMO_PRIVATE_KEY,
      challenge,
    });
    const response = await simFetch(url, { headers: { Authorization: authorization } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("stale=false");
  });

  it("records requests with the Authorization header redacted", async () => {
    await api(peerUrl("v1.0", "aws", "?pretty=true"));
    expect(sim.requests).toHaveLength(2);
    const [challenge, signed] = sim.requests;
    expect(challenge).toMatchObject({ method: "GET", authenticated: false, status: 401, at: clock });
    expect(signed).toMatchObject({ authenticated: true, status: 200, query: "pretty=true" });
    expect(signed?.headers.authorization).toBe("[redacted]");
    const logged = await control("GET", "/__sim/requests");
    expect(logged.text).not.toContain("Digest username");
    expect(JSON.parse(logged.text)).toHaveLength(2);
  });
});

describe("API versions and formats", () => {
  it("requires a version date in Accept on v2", async () => {
    const response = await api(peerUrl("v2"), { accept: "application/json" });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(json(response)).toEqual({
      detail: "There is no version number in the request.",
      error: 400,
      errorCode: "INVALID_VERSION_DATE",
      parameters: [],
      reason: "Bad Request",
    });
  });

  it("refuses a version date older than the resource with 406", async () => {
    const response = await api(peerUrl("v2"), { accept: "application/vnd.atlas.2022-06-01+json" });
    expect(response.status).toBe(406);
  });

  it("answers v2 with the versioned media type, also for a later version date", async () => {
    for (const accept of [V2_TYPE, "application/vnd.atlas.2025-03-12+json"]) {
      const response = await api(peerUrl("v2"), { accept });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(V2_TYPE);
    }
    const legacy = await api(peerUrl("v1.0"));
    expect(legacy.headers.get("content-type")).toBe("application/json");
  });

  it("pretty-prints with pretty=true", async () => {
    const response = await api(peerUrl("v1.0", "aws", "?pretty=true"));
    expect(response.text).toContain('\n  "awsAccountId": "123456789012"');
    expect(json(response)).toMatchObject({ id: sim.demo.peers.aws.peerId });
  });

  it("wraps answers and errors in an envelope with HTTP 200 when envelope=true", async () => {
    const ok = await api(peerUrl("v2", "gcp", "?envelope=true"));
    expect(ok.status).toBe(200);
    expect(json(ok)).toMatchObject({ status: 200, content: { providerName: "GCP", status: "AVAILABLE" } });
    const missing = `${sim.url}/api/atlas/v1.0/groups/${sim.demo.groupId}/peers/${"a".repeat(24)}?envelope=true`;
    const error = await api(missing);
    expect(error.status).toBe(200);
    expect(json(error)).toMatchObject({ status: 404, content: { errorCode: "PEER_NOT_FOUND" } });
  });

  it("sends RateLimit headers", async () => {
    const response = await api(peerUrl("v1.0"));
    expect(response.headers.get("ratelimit-limit")).toBe("100");
    expect(Number(response.headers.get("ratelimit-remaining"))).toBeLessThan(100);
  });

  it("lists peers per provider, AWS by default", async () => {
    const base = `${sim.url}/api/atlas/v2/groups/${sim.demo.groupId}/peers`;
    const aws = json(await api(base));
    expect(aws).toMatchObject({ totalCount: 1, results: [{ id: sim.demo.peers.aws.peerId }] });
    expect(aws.links).toEqual([{ href: expect.stringContaining("/peers"), rel: "self" }]);
    const gcp = json(await api(`${base}?providerName=GCP&envelope=true`));
    expect(gcp).toMatchObject({ status: 200, totalCount: 1, results: [{ providerName: "GCP" }] });
  });
});

describe("status progression", () => {
  it("walks AWS through INITIATING, PENDING_ACCEPTANCE (with a pcx id), FINALIZING, AVAILABLE", async () => {
    const patched = json(
      await api(peerUrl("v2"), { method: "PATCH", body: { routeTableCidrBlock: "10.9.0.0/16" } }),
    );
    expect(patched).toMatchObject({ statusName: "INITIATING", connectionId: null, errorStateName: null });
    clock += STEP_MS;
    const pending = json(await api(peerUrl("v2")));
    expect(pending.statusName).toBe("PENDING_ACCEPTANCE");
    expect(pending.connectionId).toMatch(/^pcx-[0-9a-f]{17}$/);
    clock += STEP_MS;
    expect(await status(peerUrl("v1.0"))).toBe("FINALIZING");
    clock += STEP_MS;
    expect(await status(peerUrl("v2"))).toBe("AVAILABLE");
    clock += 10 * STEP_MS;
    expect(json(await api(peerUrl("v2")))).toMatchObject({
      statusName: "AVAILABLE",
      connectionId: pending.connectionId,
    });
  });

  it("walks GCP through ADDING_PEER, WAITING_FOR_USER, AVAILABLE", async () => {
    // networkName cannot change (see simulatorImmutable.test.ts); echoing it still restarts the peering.
    const { networkName } = sim.demo.peers.gcp;
    const body = { providerName: "GCP", networkName };
    const patched = json(await api(peerUrl("v1.0", "gcp"), { method: "PATCH", body }));
    expect(patched).toMatchObject({ status: "ADDING_PEER", errorMessage: null, networkName });
    clock += STEP_MS;
    expect(await status(peerUrl("v2", "gcp"))).toBe("WAITING_FOR_USER");
    clock += STEP_MS;
    expect(await status(peerUrl("v2", "gcp"))).toBe("AVAILABLE");
  });

  it("walks Azure through ADDING_PEER, AVAILABLE", async () => {
    const body = { providerName: "AZURE", containerId: sim.demo.peers.azure.containerId };
    const patched = json(await api(peerUrl("v2", "azure"), { method: "PATCH", body }));
    expect(patched).toMatchObject({ status: "ADDING_PEER", errorState: null });
    clock += STEP_MS - 1;
    expect(await status(peerUrl("v2", "azure"))).toBe("ADDING_PEER");
    clock += 1;
    expect(await status(peerUrl("v2", "azure"))).toBe("AVAILABLE");
  });

  it("skips the customer's step on /__sim/peers/{id}/accept", async () => {
    await api(peerUrl("v2", "gcp"), { method: "PATCH", body: { providerName: "GCP" } });
    clock += STEP_MS;
    expect(await status(peerUrl("v2", "gcp"))).toBe("WAITING_FOR_USER");
    const accepted = await control("POST", `/__sim/peers/${sim.demo.peers.gcp.peerId}/accept`);
    expect(accepted.status).toBe(200);
    expect(json(accepted).status).toBe("AVAILABLE");
    await api(peerUrl("v2"), { method: "PATCH", body: {} });
    expect(sim.faults.acceptPeer(sim.demo.peers.aws.peerId).statusName).toBe("FINALIZING");
  });
});

describe("Atlas errors", () => {
  const group = () => `${sim.url}/api/atlas/v2/groups`;

  it("answers GROUP_NOT_FOUND and INVALID_GROUP_ID", async () => {
    const unknown = await api(`${group()}/${"b".repeat(24)}/peers/${sim.demo.peers.aws.peerId}`);
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toEqual({
      detail: `No group with ID ${"b".repeat(24)} exists.`,
      error: 404,
      errorCode: "GROUP_NOT_FOUND",
      parameters: ["b".repeat(24)],
      reason: "Not Found",
    });
    const malformed = await api(`${group()}/not-a-group/peers/${sim.demo.peers.aws.peerId}`);
    expect(json(malformed)).toMatchObject({ error: 404, errorCode: "INVALID_GROUP_ID" });
  });

  it("answers PEER_NOT_FOUND and INVALID_PEER_ID", async () => {
    const peerId = "c".repeat(24);
    const unknown = await api(`${group()}/${sim.demo.groupId}/peers/${peerId}`);
    expect(json(unknown)).toMatchObject({
      error: 404,
      errorCode: "PEER_NOT_FOUND",
      detail: `No peer with ID ${peerId} exists in project ${sim.demo.groupId}.`,
    });
    const malformed = await api(`${group()}/${sim.demo.groupId}/peers/XYZ`);
    expect(json(malformed)).toMatchObject({ error: 404, errorCode: "INVALID_PEER_ID" });
  });

  it("answers PEER_NOT_FOUND when providerName defaults to AWS on a GCP peer", async () => {
    const response = await api(peerUrl("v1.0", "gcp"), { method: "PATCH", body: { networkName: "x-net" } });
    expect(response.status).toBe(404);
    expect(json(response).errorCode).toBe("PEER_NOT_FOUND");
  });

  it("answers INVALID_ATTRIBUTE for unknown fields and changed Azure fields", async () => {
    const unknown = await api(peerUrl("v2"), { method: "PATCH", body: { colour: "blue" } });
    expect(json(unknown)).toMatchObject({
      error: 400,
      errorCode: "INVALID_ATTRIBUTE",
      parameters: ["colour"],
    });
    const azure = peerUrl("v2", "azure");
    const changed = await api(azure, { method: "PATCH", body: { providerName: "AZURE", vnetName: "other" } });
    expect(json(changed)).toMatchObject({
      errorCode: "INVALID_ATTRIBUTE",
      detail: "Invalid attribute vnetName specified.",
    });
    const same = { providerName: "AZURE", vnetName: sim.demo.peers.azure.vnetName };
    expect((await api(azure, { method: "PATCH", body: same })).status).toBe(200);
  });

  it("answers ATTRIBUTE_READ_ONLY when a read-only field changes", async () => {
    const response = await api(peerUrl("v2"), {
      method: "PATCH",
      body: { statusName: "AVAILABLE", id: "x" },
    });
    expect(json(response)).toMatchObject({
      error: 400,
      errorCode: "ATTRIBUTE_READ_ONLY",
      parameters: ["id"],
    });
  });

  it("answers MALFORMED_JSON", async () => {
    const response = await api(peerUrl("v2"), { method: "PATCH", body: "{not json" });
    expect(json(response)).toMatchObject({ error: 400, errorCode: "MALFORMED_JSON" });
  });

  it("answers INVALID_ROUTE_TABLE_CIDR for a public range", async () => {
    const response = await api(peerUrl("v2"), {
      method: "PATCH",
      body: { routeTableCidrBlock: "8.8.8.0/24" },
    });
    expect(json(response)).toMatchObject({
      error: 400,
      errorCode: "INVALID_ROUTE_TABLE_CIDR",
      detail:
        'The address 8.8.8.0/24 must be within the private ranges ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].',
    });
  });

  it("answers PEER_INVALID_STATE (409) while the peer is terminating", async () => {
    const terminated = await control("POST", `/__sim/peers/${sim.demo.peers.azure.peerId}/terminate`);
    expect(json(terminated).status).toBe("DELETING");
    const response = await api(peerUrl("v2", "azure"), { method: "PATCH", body: { providerName: "AZURE" } });
    expect(response.status).toBe(409);
    expect(json(response).errorCode).toBe("PEER_INVALID_STATE");
  });

  it("answers RESOURCE_NOT_FOUND for other paths and 405 for other methods", async () => {
    const other = await api(`${sim.url}/api/atlas/v2/groups/${sim.demo.groupId}/clusters`);
    expect(json(other)).toMatchObject({ error: 404, errorCode: "RESOURCE_NOT_FOUND" });
    const put = await api(peerUrl("v2"), { method: "PUT", body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, PATCH");
  });
});

describe("fault injection", () => {
  it("answers 500 twice, then normally (challenges do not consume faults)", async () => {
    const created = await control("POST", "/__sim/faults", { status: 500, count: 2 });
    expect(created.status).toBe(201);
    const first = await api(peerUrl("v2"));
    expect(first.status).toBe(500);
    expect(json(first)).toMatchObject({
      error: 500,
      errorCode: "UNEXPECTED_ERROR",
      reason: "Internal Server Error",
    });
    expect((await api(peerUrl("v2"))).status).toBe(500);
    expect((await api(peerUrl("v2"))).status).toBe(200);
  });

  it("answers 429 with Retry-After, RATE_LIMITED_TOKEN_BUCKET on v2 and RATE_LIMITED on v1.0", async () => {
    await control("POST", "/__sim/faults", { status: 429, count: 2, retryAfterSeconds: 7 });
    const v2 = await api(peerUrl("v2"));
    expect(v2.status).toBe(429);
    expect(v2.headers.get("retry-after")).toBe("7");
    expect(v2.headers.get("ratelimit-remaining")).toBe("0");
    expect(json(v2)).toMatchObject({ errorCode: "RATE_LIMITED_TOKEN_BUCKET", reason: "Too Many Requests" });
    const v1 = await api(peerUrl("v1.0"));
    expect(json(v1)).toMatchObject({ error: 429, errorCode: "RATE_LIMITED" });
  });

  it("answers 503 only for the matching method and path", async () => {
    sim.faults.inject({ status: 503, retryAfterSeconds: 3, match: { method: "PATCH", path: "*/peers/*" } });
    expect((await api(peerUrl("v2"))).status).toBe(200);
    const patched = await api(peerUrl("v2"), { method: "PATCH", body: {} });
    expect(patched.status).toBe(503);
    expect(patched.headers.get("retry-after")).toBe("3");
    expect(json(patched).errorCode).toBe("SERVICE_UNAVAILABLE");
  });

  it("drops the connection without answering", async () => {
    sim.faults.inject({ reset: "connection", count: 1 });
    const url = peerUrl("v1.0");
    const challenge = await fetchChallenge(url);
    const authorization = digestAuthorization({
      method: "GET",
      uri: requestTarget(url),
      username: DEMO_PUBLIC_KEY,
      password: DEMO_PRIVATE_KEY,
      challenge,
    });
    const dropped = await new Promise<{ status: number } | { error: string }>((resolve) => {
      const req = request(url, { agent: false, headers: { Authorization: authorization } }, (res) => {
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      req.end();
    });
    expect(dropped).toEqual({ error: "ECONNRESET" });
    expect(sim.requests.at(-1)).toMatchObject({ authenticated: true, status: 0 });
    expect(await rawGet(url)).toEqual({ status: 401 });
  });

  it("delays answers by latencyMs", async () => {
    sim.faults.inject({ latencyMs: 300, count: 1 });
    const started = performance.now();
    expect((await api(peerUrl("v2"))).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(sim.faults.list()).toEqual([]);
  });

  it("forces FAILED with the provider's error field", async () => {
    const { aws, azure, gcp } = sim.demo.peers;
    const awsFailed = await control("POST", `/__sim/peers/${aws.peerId}/fail`, {
      errorStateName: "REJECTED",
    });
    expect(json(awsFailed)).toMatchObject({ statusName: "FAILED", errorStateName: "REJECTED" });
    expect(json(await api(peerUrl("v2")))).toMatchObject({
      statusName: "FAILED",
      errorStateName: "REJECTED",
    });
    await control("POST", `/__sim/peers/${azure.peerId}/fail`, { errorStateName: "EXPIRED" });
    expect(json(await api(peerUrl("v2", "azure")))).toMatchObject({
      status: "FAILED",
      errorState: expect.stringContaining("expired"),
    });
    sim.faults.failPeer(gcp.peerId, "INVALID_ARGUMENT");
    expect(json(await api(peerUrl("v2", "gcp")))).toMatchObject({
      status: "FAILED",
      errorMessage: expect.stringContaining("invalid argument"),
    });
    const retried = await api(peerUrl("v2"), { method: "PATCH", body: {} });
    expect(json(retried)).toMatchObject({ statusName: "INITIATING", errorStateName: null });
  });

  it("validates control requests", async () => {
    expect((await control("POST", "/__sim/faults", { status: 418 })).status).toBe(400);
    expect((await control("POST", "/__sim/faults", { latencyMs: 5, colour: "red" })).status).toBe(400);
    const peer = sim.demo.peers.aws.peerId;
    expect((await control("POST", `/__sim/peers/${peer}/fail`, { errorStateName: "BROKEN" })).status).toBe(
      400,
    );
    expect((await control("POST", `/__sim/peers/${"d".repeat(24)}/accept`)).status).toBe(404);
    expect((await control("GET", "/__sim/nothing")).status).toBe(404);
    expect(() => sim.faults.inject({ status: 404 } as never)).toThrow(/status/);
  });

  it("lists and clears faults, and resets everything", async () => {
    await control("POST", "/__sim/faults", { latencyMs: 10 });
    await control("POST", "/__sim/faults", { reset: "connection", count: 3, match: { method: "PATCH" } });
    const listed = JSON.parse((await control("GET", "/__sim/faults")).text) as unknown[];
    expect(listed).toMatchObject([
      { kind: "latency", remaining: null },
      { kind: "reset", remaining: 3 },
    ]);
    expect((await control("DELETE", "/__sim/faults")).status).toBe(204);
    expect(sim.faults.list()).toEqual([]);
    await api(peerUrl("v2"), { method: "PATCH", body: { routeTableCidrBlock: "192.168.0.0/24" } });
    expect((await control("POST", "/__sim/reset")).status).toBe(204);
    expect(sim.requests).toEqual([]);
    expect(json(await api(peerUrl("v2")))).toMatchObject({
      statusName: "AVAILABLE",
      routeTableCidrBlock: "10.8.0.0/21",
    });
  });
});
