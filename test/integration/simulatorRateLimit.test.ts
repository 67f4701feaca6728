import { afterEach, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { parseRateLimit } from "../../local/simulator/rateLimit.js";
import { digestFetch, simFetch } from "./support/simDigest.js";

/**
 * The simulator's model of Atlas's rate limits: a token bucket per project (`ATLAS_SIM_RATE_LIMIT`), refilled
 * in steps, answering 429 with Atlas's body and headers; the `GET /rateLimits` inspection endpoint; the
 * service account's 100-active-token limit; and the extra demo peers (`ATLAS_SIM_DEMO_PEERS`).
 */

let sim: AtlasSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function simWith(options: Parameters<typeof startAtlasSimulator>[0]) {
  sim = await startAtlasSimulator(options);
  return sim;
}

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
const get = (s: AtlasSimulator, path: string) =>
  digestFetch(`${s.url}${path}`, {
    username: DEMO_PUBLIC_KEY,
    password: DEMO_PRIVATE_KEY,
    headers: { Accept: path.includes("/v2/groups/") ? V2_TYPE : "application/json" },
  });
const peerPath = (s: AtlasSimulator, version = "v2") =>
  `/api/atlas/${version}/groups/${s.demo.groupId}/peers/${s.demo.peers.aws.peerId}`;

describe("ATLAS_SIM_RATE_LIMIT: Atlas's token bucket", () => {
  it("allows the capacity, then 429s until the next refill step, which adds `refill` tokens", async () => {
    let now = 1_750_000_000_000;
    const s = await simWith({ rateLimit: "3/2/60", now: () => now });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(s, peerPath(s)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    expect(answers[0]?.headers.get("ratelimit-limit")).toBe("3");
    const refused = answers[3];
    expect(refused?.headers.get("retry-after")).toBe("60");
    expect(JSON.parse(refused?.text ?? "")).toEqual({
      detail: `Rate limit exceeded for ${peerPath(s).slice(1)}. Please retry after 60 seconds. Request capacity: 3. Refill rate: 2 per 60 seconds.`,
      error: 429,
      errorCode: "RATE_LIMITED_TOKEN_BUCKET",
      parameters: [peerPath(s).slice(1), 60, 3, 2, 60],
      reason: "Too Many Requests",
    });
    now += 45_000;
    expect((await get(s, peerPath(s))).headers.get("retry-after")).toBe("15");
    now += 15_000;
    const refilled = [await get(s, peerPath(s)), await get(s, peerPath(s)), await get(s, peerPath(s))];
    expect(refilled.map((a) => a.status)).toEqual([200, 200, 429]);
    // Only authenticated requests are charged: every digest challenge above came back with a full count.
    expect(s.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  });

  it("keeps one bucket per project, answers v1.0 with RATE_LIMITED, and never limits the control endpoint", async () => {
    const s = await simWith({ rateLimit: "1/1/60" });
    expect((await get(s, peerPath(s, "v1.0"))).status).toBe(200);
    const refused = await get(s, peerPath(s, "v1.0"));
    expect(JSON.parse(refused.text)).toMatchObject({ error: 429, errorCode: "RATE_LIMITED" });
    const other = await get(
      s,
      "/api/atlas/v2/groups/5f1e2d3c4b5a69788796ffff/peers/5f1e2d3c4b5a69788796a5c1",
    );
    expect(other.status).toBe(404);
    expect((await simFetch(`${s.url}/__sim/demo`)).status).toBe(200);
  });

  it("lists the bucket at GET /api/atlas/v2/rateLimits, filtered by endpointPath, outside the bucket", async () => {
    const s = await simWith({ rateLimit: "10/5/60" });
    const endpointPath = encodeURIComponent("/api/atlas/v2/groups/{groupId}/peers/{peerId}");
    const path = `/api/atlas/v2/rateLimits?groupId=${s.demo.groupId}&endpointPath=${endpointPath}`;
    for (let i = 0; i < 12; i++) expect((await get(s, path)).status).toBe(200);
    const answer = await get(s, path);
    expect(answer.headers.get("content-type")).toBe("application/vnd.atlas.2025-03-12+json");
    const body = JSON.parse(answer.text);
    expect(body).toMatchObject({ totalCount: 1 });
    expect(body.results[0]).toMatchObject({
      capacity: { value: 10 },
      refillRate: { value: 5 },
      refillDurationSeconds: { value: 60 },
      scope: "GROUP",
    });
    const none = await get(s, "/api/atlas/v2/rateLimits?endpointPath=%2Fapi%2Fatlas%2Fv2%2Forgs");
    expect(JSON.parse(none.text)).toMatchObject({ results: [], totalCount: 0 });
    expect((await get(s, peerPath(s))).headers.get("ratelimit-remaining")).toBe("9");
  });

  it("without a limit lists nothing, reports the advisory window and never refuses", async () => {
    const s = await simWith({});
    for (let i = 0; i < 3; i++) expect((await get(s, peerPath(s))).status).toBe(200);
    expect((await get(s, peerPath(s))).headers.get("ratelimit-limit")).toBe("100");
    const listed = JSON.parse((await get(s, "/api/atlas/v2/rateLimits")).text);
    expect(listed).toMatchObject({ results: [], totalCount: 0 });
  });

  it("refuses a malformed setting, naming the variable", () => {
    expect(() => parseRateLimit("10/5")).toThrow(
      /ATLAS_SIM_RATE_LIMIT must be <capacity>\/<refill>\/<seconds>/,
    );
    expect(() => parseRateLimit("5/10/60")).toThrow(/refill cannot exceed capacity/);
    expect(parseRateLimit("10/5/0.5")).toEqual({ capacity: 10, refill: 5, seconds: 0.5 });
  });
});

describe("the service account's active-token limit", () => {
  const tokenRequest = (s: AtlasSimulator) =>
    simFetch(`${s.url}/api/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString("base64")}`,
      },
      body: "grant_type=client_credentials",
    });

  it("answers 403 access_denied once the account holds 100 unexpired tokens", async () => {
    const s = await simWith({});
    for (let i = 0; i < 100; i++) expect((await tokenRequest(s)).status).toBe(200);
    const refused = await tokenRequest(s);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual({
      error: "access_denied",
      error_description:
        "Access Token limit reached. Please use the existing Access Tokens or create a new Service Account.",
    });
    expect(s.activeTokens()).toBe(100);
  });
});

describe("ATLAS_SIM_DEMO_PEERS", () => {
  it("seeds more AVAILABLE AWS peers in the demo project, listed by GET /__sim/demo", async () => {
    const s = await simWith({ demoPeers: 3 });
    const demo = JSON.parse((await simFetch(`${s.url}/__sim/demo`)).text);
    expect(demo.awsPeers).toHaveLength(3);
    const ids = demo.awsPeers.map((p: { peerId: string }) => p.peerId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      const peer = await get(s, `/api/atlas/v2/groups/${s.demo.groupId}/peers/${id}`);
      expect(JSON.parse(peer.text)).toMatchObject({ id, statusName: "AVAILABLE", providerName: "AWS" });
    }
    const list = JSON.parse(
      (await get(s, `/api/atlas/v2/groups/${s.demo.groupId}/peers?providerName=AWS`)).text,
    );
    expect(list.totalCount).toBe(4);
  });

  it("is read from the environment when the options leave it out", async () => {
    process.env.ATLAS_SIM_DEMO_PEERS = "2";
    process.env.ATLAS_SIM_RATE_LIMIT = "4/2/60";
    try {
      const s = await simWith({});
      expect(s.demo.awsPeers).toHaveLength(2);
      expect(s.rateLimit).toEqual({ capacity: 4, refill: 2, seconds: 60 });
    } finally {
      delete process.env.ATLAS_SIM_DEMO_PEERS;
      delete process.env.ATLAS_SIM_RATE_LIMIT;
    }
  });
});
