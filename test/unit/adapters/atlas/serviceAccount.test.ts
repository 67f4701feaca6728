import { describe, expect, it } from "vitest";
import { AtlasClient } from "../../../../src/adapters/atlas/AtlasClient.js";
import {
  ServiceAccountAuthenticator,
  usableMs,
} from "../../../../src/adapters/atlas/oauth/ServiceAccountAuthenticator.js";
import type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
} from "../../../../src/adapters/http/undiciTransport.js";
import { toProblemResponse } from "../../../../src/channels/common/problem.js";
import { AtlasUnavailableError, TokenEndpointError } from "../../../../src/ports/AtlasPeeringApi.js";

const BASE = "https://atlas.example";
const ACCOUNT = { clientId: "mdb_sa_id_test", clientSecret: "mdb_sa_sk_hunter2-secret", baseUrl: BASE };
const API_URL = `${BASE}/api/atlas/v2/groups/g/peers/p`;
const T0 = 1_764_331_200_000;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});
const grant = (n: number, expiresIn = 3600) =>
  json(200, { access_token: `tok-${n}`, token_type: "Bearer", expires_in: expiresIn });

/** A fake Atlas: the token endpoint and the API answer from scripts; every request is kept. */
function fakeAtlas(
  script: { token?: (n: number) => HttpResponse; api?: (req: HttpRequest) => HttpResponse } = {},
) {
  const requests: HttpRequest[] = [];
  let issued = 0;
  const transport: HttpTransport = async (req) => {
    requests.push(req);
    // A real round trip takes time: concurrent callers overlap while the token request is out.
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (req.url.endsWith("/api/oauth/token")) return (script.token ?? grant)(++issued);
    return script.api ? script.api(req) : json(200, {});
  };
  const isToken = (r: HttpRequest) => r.url.endsWith("/api/oauth/token");
  return {
    transport,
    tokenRequests: () => requests.filter(isToken),
    apiRequests: () => requests.filter((r) => !isToken(r)),
  };
}

function clock() {
  const state = { now: T0, sleeps: [] as number[] };
  return {
    state,
    now: () => state.now,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.now += ms;
    },
  };
}

const get = (): HttpRequest => ({ method: "GET", url: API_URL, headers: { accept: "application/json" } });

describe("ServiceAccountAuthenticator", () => {
  it("asks the token endpoint as Atlas documents and reuses the token: 1 token request for 10 calls", async () => {
    const atlas = fakeAtlas();
    const auth = new ServiceAccountAuthenticator(ACCOUNT);
    for (let i = 0; i < 10; i++) expect((await auth.send(atlas.transport, get())).status).toBe(200);
    expect(atlas.tokenRequests()).toHaveLength(1);
    expect(atlas.tokenRequests()[0]).toMatchObject({
      method: "POST",
      url: `${BASE}/api/oauth/token`,
      body: "grant_type=client_credentials",
      headers: {
        authorization: `Basic ${Buffer.from("mdb_sa_id_test:mdb_sa_sk_hunter2-secret").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
    });
    expect(atlas.apiRequests()).toHaveLength(10);
    expect(atlas.apiRequests().every((r) => r.headers.authorization === "Bearer tok-1")).toBe(true);
  });

  it("makes concurrent first calls share one token request", async () => {
    const atlas = fakeAtlas();
    const auth = new ServiceAccountAuthenticator(ACCOUNT);
    const answers = await Promise.all(Array.from({ length: 8 }, () => auth.send(atlas.transport, get())));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(atlas.tokenRequests()).toHaveLength(1);
  });

  it("renews a token when less than max(60 s, 10 %) of its life is left", async () => {
    const time = clock();
    const atlas = fakeAtlas();
    const auth = new ServiceAccountAuthenticator(ACCOUNT, time);
    await auth.send(atlas.transport, get());
    time.state.now = T0 + 3_240_000 - 1; // 6 min (10 % of 1 h) before expiry, less 1 ms
    await auth.send(atlas.transport, get());
    expect(atlas.tokenRequests()).toHaveLength(1);
    time.state.now = T0 + 3_240_000;
    await auth.send(atlas.transport, get());
    expect(atlas.tokenRequests()).toHaveLength(2);
    expect(atlas.apiRequests().map((r) => r.headers.authorization)).toEqual([
      "Bearer tok-1",
      "Bearer tok-1",
      "Bearer tok-2",
    ]);
  });

  it("keeps at least 60 s of margin, and reuses even short-lived tokens for half their life", () => {
    expect(usableMs(3_600_000)).toBe(3_240_000);
    expect(usableMs(600_000)).toBe(540_000);
    expect(usableMs(60_000)).toBe(30_000);
  });

  it("answers a 401 to a cached token with one new token and one resend", async () => {
    let revoked = false;
    const atlas = fakeAtlas({
      api: (req) => (req.headers.authorization === "Bearer tok-1" && revoked ? json(401, {}) : json(200, {})),
    });
    const auth = new ServiceAccountAuthenticator(ACCOUNT);
    await auth.send(atlas.transport, get());
    revoked = true;
    expect((await auth.send(atlas.transport, get())).status).toBe(200);
    expect(atlas.tokenRequests()).toHaveLength(2);
    expect(atlas.apiRequests().map((r) => r.headers.authorization)).toEqual([
      "Bearer tok-1",
      "Bearer tok-1",
      "Bearer tok-2",
    ]);
  });

  it("gives a second 401 back, and does not renew a token fetched for the same call", async () => {
    const atlas = fakeAtlas({ api: () => json(401, { error: 401 }) });
    const auth = new ServiceAccountAuthenticator(ACCOUNT);
    // Fresh token refused: the account lacks access; another token would not help.
    expect((await auth.send(atlas.transport, get())).status).toBe(401);
    expect(atlas.tokenRequests()).toHaveLength(1);
    // Cached token refused: one renewal, one resend, then the 401 is Atlas's answer.
    expect((await auth.send(atlas.transport, get())).status).toBe(401);
    expect(atlas.tokenRequests()).toHaveLength(2);
    expect(atlas.apiRequests()).toHaveLength(3);
  });

  it("waits out the token endpoint's 429 when Retry-After fits before the deadline", async () => {
    const time = clock();
    const limited = json(429, { error: 429, errorCode: "RATE_LIMITED" }, { "retry-after": "2" });
    const atlas = fakeAtlas({ token: (n) => (n === 1 ? limited : grant(n)) });
    const auth = new ServiceAccountAuthenticator(ACCOUNT, time);
    const answer = await auth.send(atlas.transport, get(), { deadline: T0 + 10_000 });
    expect(answer.status).toBe(200);
    expect(time.state.sleeps).toEqual([2_000]);
    expect(atlas.apiRequests()[0]?.headers.authorization).toBe("Bearer tok-2");
  });

  it("fails retryable, without waiting, when the token endpoint's Retry-After ends past the deadline", async () => {
    const time = clock();
    const limited = json(429, { error: 429, errorCode: "RATE_LIMITED" }, { "retry-after": "30" });
    const atlas = fakeAtlas({ token: () => limited });
    const auth = new ServiceAccountAuthenticator(ACCOUNT, time);
    const error = await auth.send(atlas.transport, get(), { deadline: T0 + 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      retryable: true,
      errorCode: "TOKEN_RATE_LIMITED",
      status: 429,
      retryAfterMs: 30_000,
    });
    expect((error as Error).message).toMatch(/429 \(RATE_LIMITED\)/);
    expect(time.state.sleeps).toEqual([]);
    expect(atlas.apiRequests()).toHaveLength(0);
  });

  it("refuses a wrong client secret as final, naming neither the secret nor its encoding", async () => {
    const atlas = fakeAtlas({ token: () => json(401, { error: "invalid_client" }) });
    const auth = new ServiceAccountAuthenticator(ACCOUNT);
    const error = await auth.send(atlas.transport, get()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ retryable: false, errorCode: "TOKEN_REFUSED", status: 401 });
    const message = (error as Error).message;
    expect(message).toContain("invalid_client");
    const basic = Buffer.from(`${ACCOUNT.clientId}:${ACCOUNT.clientSecret}`).toString("base64");
    for (const secret of [ACCOUNT.clientSecret, "hunter2", basic]) expect(message).not.toContain(secret);
    expect(atlas.apiRequests()).toHaveLength(0);
  });

  it("refuses a 200 without a bearer token", async () => {
    const atlas = fakeAtlas({ token: () => json(200, { access_token: "x", token_type: "mac" }) });
    const error = await new ServiceAccountAuthenticator(ACCOUNT).send(atlas.transport, get()).catch((e) => e);
    expect(error).toMatchObject({ retryable: false, errorCode: "TOKEN_ANSWER_MALFORMED" });
  });

  it("lets a caller whose signal aborts stop waiting while the others get the token", async () => {
    const atlas = fakeAtlas();
    const auth = new ServiceAccountAuthenticator(ACCOUNT);
    const controller = new AbortController();
    const impatient = auth.send(atlas.transport, { ...get(), signal: controller.signal }).catch((e) => e);
    const patient = auth.send(atlas.transport, get());
    controller.abort();
    expect(await impatient).toMatchObject({ networkCode: "ABORTED", retryable: false });
    expect((await patient).status).toBe(200);
    expect(atlas.tokenRequests()).toHaveLength(1);
  });
});

describe("AtlasClient with a service account", () => {
  const credentials = {
    kind: "serviceAccount" as const,
    clientId: "mdb_sa_id_test",
    clientSecret: "sk-secret",
  };
  const call = { groupId: "g", peerId: "p", apiVersion: "v2" as const, query: {} };
  const client = (transport: HttpTransport, time = clock()) =>
    new AtlasClient({
      transport,
      defaultBaseUrl: BASE,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
      now: time.now,
      sleep: time.sleep,
      random: () => 0.5,
    });

  it("retries a rate-limited token endpoint within its budget, then reports Atlas unavailable", async () => {
    const limited = json(429, { errorCode: "RATE_LIMITED" }, { "retry-after": "1" });
    const atlas = fakeAtlas({ token: () => limited });
    const error = await client(atlas.transport)
      .getPeer(credentials, call, { deadline: T0 + 60_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasUnavailableError);
    expect(error).toMatchObject({ attempts: 3, retryAfterSeconds: 1 });
    expect((error as Error).message).toMatch(/token endpoint.*TOKEN_RATE_LIMITED/);
    // Each attempt waits out one Retry-After itself before giving up to the client's backoff.
    expect(atlas.tokenRequests()).toHaveLength(6);
  });

  it("keeps one token per credentials and kind, and a refused account surfaces as a 502 problem", async () => {
    const atlas = fakeAtlas();
    const gateway = client(atlas.transport);
    await gateway.getPeer(credentials, call, { deadline: T0 + 60_000 });
    await gateway.getPeer(credentials, call, { deadline: T0 + 60_000 });
    expect(atlas.tokenRequests()).toHaveLength(1);
    const refused = fakeAtlas({ token: () => json(400, { error: "invalid_client" }) });
    const error = await client(refused.transport)
      .getPeer(credentials, call, { deadline: T0 + 60_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(refused.tokenRequests()).toHaveLength(1);
    const problem = toProblemResponse(error, { requestId: "r", instance: "/x" });
    expect(problem.statusCode).toBe(502);
    expect(JSON.parse(problem.body)).toMatchObject({ title: "Atlas refused the gateway's service account" });
    expect(problem.body).not.toContain("sk-secret");
  });
});
