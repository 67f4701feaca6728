import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { digestFetch, type SimResponse, simFetch } from "./support/simDigest.js";

/**
 * The faults a gateway treats specially: the API key's IP access list refusing the caller (403, Atlas's
 * current and legacy codes) and the load balancer in front of Atlas answering 502/504 with HTML instead of
 * Atlas's JSON.
 */

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
let sim: AtlasSimulator;

beforeAll(async () => {
  sim = await startAtlasSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

const peerPath = () => `/api/atlas/v2/groups/${sim.demo.groupId}/peers/${sim.demo.peers.aws.peerId}`;

function getPeer(query = ""): Promise<SimResponse> {
  return digestFetch(`${sim.url}${peerPath()}${query}`, {
    headers: { Accept: V2_TYPE },
    username: DEMO_PUBLIC_KEY,
    password: DEMO_PRIVATE_KEY,
  });
}

function control(path: string, body: unknown): Promise<SimResponse> {
  return simFetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("IP access-list refusal", () => {
  it.each(["IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP_ADDRESS_NOT_ON_WHITELIST"])(
    "answers 403 %s naming the caller's address, as Atlas shapes it",
    async (errorCode) => {
      expect((await control("/__sim/faults", { status: 403, errorCode })).status).toBe(201);
      const refused = await getPeer();
      expect(refused.status).toBe(403);
      expect(refused.headers.get("content-type")).toBe("application/json");
      expect(JSON.parse(refused.text)).toEqual({
        detail: "IP address 127.0.0.1 is not allowed to access this resource.",
        error: 403,
        errorCode,
        parameters: ["127.0.0.1"],
        reason: "Forbidden",
      });
      expect((await getPeer()).status).toBe(200);
    },
  );

  it("is injectable in process, for a count of requests", async () => {
    sim.faults.inject({ status: 403, errorCode: "IP_ADDRESS_NOT_ON_ACCESS_LIST", count: 2 });
    expect((await getPeer()).status).toBe(403);
    expect((await getPeer()).status).toBe(403);
    expect((await getPeer()).status).toBe(200);
  });

  it("refuses a 403 without a known code, naming the codes", async () => {
    const answer = await control("/__sim/faults", { status: 403, errorCode: "NOT_ON_LIST" });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error).toContain("IP_ADDRESS_NOT_ON_ACCESS_LIST");
  });
});

describe("load balancer 502 / 504", () => {
  it.each([
    [502, "502 Bad Gateway"],
    [504, "504 Gateway Time-out"],
  ])("answers %i with a short HTML page, no Atlas body or headers", async (status, title) => {
    sim.faults.inject({ status: status as 502 | 504 });
    const answer = await getPeer("?envelope=true");
    expect(answer.status).toBe(status);
    expect(answer.headers.get("content-type")).toBe("text/html");
    expect(answer.headers.get("ratelimit-limit")).toBeNull();
    expect(answer.text).toContain(`<title>${title}</title>`);
    expect(answer.text.length).toBeLessThan(200);
    expect(() => JSON.parse(answer.text)).toThrow();
    expect((await getPeer()).status).toBe(200);
  });

  it("hits the token endpoint when the rule names it", async () => {
    await control("/__sim/faults", { status: 504, match: { path: "/api/oauth/token" } });
    const basic = Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString("base64");
    const token = () =>
      simFetch(`${sim.url}/api/oauth/token`, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      });
    const failed = await token();
    expect(failed.status).toBe(504);
    expect(failed.text).toContain("Gateway Time-out");
    expect((await token()).status).toBe(200);
  });

  it("refuses a Retry-After on a 502, which a balancer's page would not carry", async () => {
    const answer = await control("/__sim/faults", { status: 502, retryAfterSeconds: 5 });
    expect(answer.status).toBe(400);
    expect(sim.faults.list()).toEqual([]);
  });
});
