import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { decideRate } from "../../../src/domain/rateLimit.js";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../src/lambda/httpHandler.js";
import { GROUP_A, PEER_1, TOKENS, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../helpers/events.js";
import { FakeAtlas } from "../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../helpers/memoryAudit.js";
import { MemoryRateLimiter } from "../../helpers/memoryStore.js";

const PEERING = {
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
};
const PEER_OK = JSON.stringify({ id: PEER_1, providerName: "AWS", statusName: "INITIATING" });
const bearer = { authorization: `Bearer ${TOKENS.ci}` };
const DROP_IN = `/api/atlas/v2/groups/${GROUP_A}/peers/${PEER_1}`;

function setup(caller: Partial<Caller> = {}) {
  const registry = testRegistry();
  registry.callers[0] = { ...(registry.callers[0] as Caller), ...caller };
  const atlas = new FakeAtlas({
    status: 200,
    body: PEER_OK,
    headers: { "content-type": "application/json" },
  });
  const fake = fakeChangeDeps({ atlas, registry });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    rateLimiter: new MemoryRateLimiter({ perMinute: 30, burst: 10 }),
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  const handler = makeHttpHandler(deps);
  const patch = () =>
    handler(
      apiEvent({ method: "PATCH", path: DROP_IN, headers: bearer, body: JSON.stringify(PEERING) }),
      lambdaContext,
    );
  const post = (extra: object) => {
    const body = JSON.stringify({ groupId: GROUP_A, peerId: PEER_1, peering: PEERING, ...extra });
    return handler(
      apiEvent({ method: "POST", path: "/v1/peering-changes", headers: bearer, body }),
      lambdaContext,
    );
  };
  return { ...fake, atlas, patch, post };
}

describe("the per-caller rate limit on changes", () => {
  it("lets a burst through, then answers 429 Atlas-shaped with Retry-After, before anything is sent", async () => {
    const { patch, atlas } = setup();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await patch()).statusCode);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    const sent = atlas.changeCalls.length;
    const limited = await patch();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"] ?? limited.headers["Retry-After"]).toBe("2");
    expect(JSON.parse(limited.body)).toMatchObject({
      status: 429,
      errorCode: "GATEWAY_RATE_LIMITED",
      error: 429,
    });
    expect(atlas.changeCalls.length).toBe(sent);
  });

  it("answers problem+json on the gateway's own route, and refills with time", async () => {
    const fake = setup();
    for (let i = 0; i < 10; i++) await fake.post({});
    const limited = await fake.post({});
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(limited.body)).toMatchObject({ type: expect.stringMatching(/rate-limited$/) });
    fake.advance(2_000);
    expect((await fake.post({})).statusCode).not.toBe(429);
  });

  it("does not count dry runs", async () => {
    const { post } = setup({ rateLimit: { perMinute: 1, burst: 1 } });
    for (let i = 0; i < 5; i++) expect((await post({ dryRun: true })).statusCode).toBe(200);
    expect((await post({})).statusCode).not.toBe(429);
    expect((await post({})).statusCode).toBe(429);
  });

  it("takes a caller's own limit from the registry", async () => {
    const { patch } = setup({ rateLimit: { perMinute: 60, burst: 2 } });
    const statuses = [await patch(), await patch(), await patch()].map((r) => r.statusCode);
    expect(statuses[2]).toBe(429);
    expect(statuses.slice(0, 2)).not.toContain(429);
  });
});

describe("decideRate (the bucket as GCRA)", () => {
  const limit = { perMinute: 30, burst: 10 };

  it("allows `burst` at once, then one per interval", () => {
    let tat: number | undefined;
    for (let i = 0; i < 10; i++) {
      const decision = decideRate(tat, 0, limit);
      expect(decision.allowed).toBe(true);
      if (decision.allowed) tat = decision.nextTat;
    }
    expect(decideRate(tat, 0, limit)).toEqual({ allowed: false, retryAfterMs: 2_000 });
    expect(decideRate(tat, 2_000, limit).allowed).toBe(true);
  });
});
