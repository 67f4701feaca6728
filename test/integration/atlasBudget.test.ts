import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROJECT } from "../../local/simulator/demo.js";
import {
  type AtlasSimulator,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { AtlasClient } from "../../src/adapters/atlas/AtlasClient.js";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { budgetKey, DynamoDbAtlasBudget } from "../../src/adapters/aws/dynamodb/DynamoDbAtlasBudget.js";
import { DynamoDbTokenCache, tokenKey } from "../../src/adapters/aws/dynamodb/DynamoDbTokenCache.js";
import { createUndiciTransport } from "../../src/adapters/http/undiciTransport.js";
import { budgetPace } from "../../src/domain/atlasBudget.js";
import { AtlasBudgetEmptyError } from "../../src/ports/AtlasRateBudget.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

const TABLE = "atlas-budget-test";
const NOW = 1_750_000_000_000;
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureChangeTable(dynamo.client, TABLE);
});
afterAll(async () => {
  await dynamo?.close();
});

/** One adapter per "container": they share nothing but the table. */
const container = () => new DynamoDbAtlasBudget({ client: dynamo.doc, tableName: TABLE });

describe("DynamoDbAtlasBudget", () => {
  it("gives two containers racing for one bucket exactly its burst between them, then the due time", async () => {
    const pace = budgetPace({ capacity: 10, refill: 5, seconds: 60 }, 0);
    const [a, b] = [container(), container()];
    const decisions = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).take("race", pace, NOW)),
    );
    expect(decisions.filter((d) => d.granted)).toHaveLength(5);
    const refused = decisions.flatMap((d) => (d.granted ? [] : [d.retryAtMs]));
    // The next token is one interval (60 s / 5) after the burst: both containers are told the same time.
    expect(new Set(refused)).toEqual(new Set([NOW + 12_000]));
    expect(await b.take("race", pace, NOW + 12_000)).toEqual({ granted: true });
    expect(await a.take("race", pace, NOW + 12_000)).toMatchObject({ granted: false });
  });

  it("holds the bucket until Atlas's Retry-After for every container", async () => {
    const pace = budgetPace({ capacity: 10, refill: 5, seconds: 60 }, 0);
    const [a, b] = [container(), container()];
    await a.holdUntil("held", NOW + 30_000 + (pace.burst - 1) * pace.intervalMs);
    expect(await b.take("held", pace, NOW)).toEqual({ granted: false, retryAtMs: NOW + 30_000 });
    // A hold never moves the bucket back.
    await b.holdUntil("held", NOW + 1_000);
    expect(await a.take("held", pace, NOW + 29_000)).toMatchObject({ granted: false });
    expect(await a.take("held", pace, NOW + 30_000)).toEqual({ granted: true });
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: TABLE, Key: budgetKey("held") }));
    expect(Item?.expiresAt).toBeGreaterThan((NOW + 30_000) / 1000);
  });

  it("shares a learnt limit with a TTL", async () => {
    const learnt = { limit: { capacity: 10, refill: 5, seconds: 60 }, perProject: true, learntAt: NOW };
    await container().remember("cred#group", learnt);
    expect(await container().learnt("cred#group", NOW + 1_000)).toEqual(learnt);
    expect(await container().learnt("cred#group", NOW + 2 * 3_600_000)).toBeUndefined();
    await container().remember("cred#other", { perProject: false, learntAt: NOW });
    expect(await container().learnt("cred#other", NOW)).toEqual({ perProject: false, learntAt: NOW });
  });
});

describe("one service-account token shared by two containers", () => {
  let sim: AtlasSimulator;
  beforeAll(async () => {
    sim = await startAtlasSimulator({ maxActiveTokens: 1 });
  });
  afterAll(() => sim?.close());

  const credentials = () => ({
    kind: "serviceAccount" as const,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    baseUrl: sim.url,
    secretId: "atlas/gw",
  });
  const client = () =>
    new AtlasClient({
      transport: createUndiciTransport({
        connectTimeoutMs: 2_000,
        headersTimeoutMs: 5_000,
        bodyTimeoutMs: 5_000,
      }),
      defaultBaseUrl: sim.url,
      retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
      sharedTokens: new DynamoDbTokenCache({ client: dynamo.doc, tableName: TABLE }),
    });
  const call = {
    groupId: DEMO_PROJECT.groupId,
    peerId: DEMO_PROJECT.peers.aws.peerId,
    apiVersion: "v2" as const,
    query: {},
  };

  it("mints one token for both, though the account may hold only one, and never stores it in the clear", async () => {
    const deadline = Date.now() + 10_000;
    const first = await client().getPeer(credentials(), call, { deadline });
    const second = await client().getPeer(credentials(), call, { deadline });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(sim.requests.filter((r) => r.path === "/api/oauth/token")).toHaveLength(1);
    expect(sim.activeTokens()).toBe(1);
    const items = await dynamo.doc.send(new ScanCommand({ TableName: TABLE }));
    const stored = JSON.stringify(items.Items);
    expect(stored).not.toContain(DEMO_CLIENT_SECRET);
    expect(stored).not.toContain(DEMO_CLIENT_ID);
    const bearer = sim.requests.find((r) => r.path.includes("/peers/"))?.headers.authorization;
    expect(bearer).toBe("[redacted]");
    const { Item } = await dynamo.doc.send(
      new GetCommand({ TableName: TABLE, Key: tokenKey(credentials()) }),
    );
    expect(typeof Item?.sealed).toBe("string");
    expect(Item?.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3_600);
  });

  it("without the shared cache, the second container's token is refused 403 access_denied", async () => {
    const deadline = Date.now() + 10_000;
    expect((await client().getPeer(credentials(), call, { deadline })).status).toBe(200);
    const lonely = new AtlasClient({
      transport: createUndiciTransport({
        connectTimeoutMs: 2_000,
        headersTimeoutMs: 5_000,
        bodyTimeoutMs: 5_000,
      }),
      defaultBaseUrl: sim.url,
      retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
    });
    await expect(lonely.getPeer(credentials(), call, { deadline })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("access_denied"),
    });
  });
});

describe("the Atlas client with a budget", () => {
  it("sends nothing when the bucket is empty and says when the next token is due", async () => {
    const sim = await startAtlasSimulator({ rateLimit: "2/1/60" });
    try {
      const atlas = new AtlasClient({
        transport: createUndiciTransport({
          connectTimeoutMs: 2_000,
          headersTimeoutMs: 5_000,
          bodyTimeoutMs: 5_000,
        }),
        defaultBaseUrl: sim.url,
        retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
        rateBudget: { store: container(), settings: { guardMs: 0 } },
      });
      const keys = {
        kind: "apiKey" as const,
        publicKey: "simdemok",
        privateKey: "5e1f0c4a-7b2d-4c8e-9f3a-6d2b1e0a9c47",
        secretId: "x",
      };
      const call = {
        groupId: DEMO_PROJECT.groupId,
        peerId: DEMO_PROJECT.peers.aws.peerId,
        apiVersion: "v2" as const,
        query: {},
      };
      const deadline = Date.now() + 10_000;
      expect((await atlas.getPeer(keys, call, { deadline })).status).toBe(200);
      const empty = await atlas.getPeer(keys, call, { deadline }).catch((error: unknown) => error);
      expect(empty).toBeInstanceOf(AtlasBudgetEmptyError);
      // Sized from the simulator's GET /rateLimits (2/1/60: a burst of one, a token a minute).
      expect((empty as AtlasBudgetEmptyError).retryAtMs).toBeGreaterThan(Date.now() + 50_000);
      const peerReads = sim.requests.filter((r) => r.path.includes("/peers/") && r.authenticated);
      expect(peerReads).toHaveLength(1);
      expect(sim.requests.filter((r) => r.status === 429)).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it("carries one container's 429 Retry-After to the other: it sends nothing until then", async () => {
    const sim = await startAtlasSimulator({});
    try {
      const store = container();
      const clientFor = () =>
        new AtlasClient({
          transport: createUndiciTransport({
            connectTimeoutMs: 2_000,
            headersTimeoutMs: 5_000,
            bodyTimeoutMs: 5_000,
          }),
          defaultBaseUrl: sim.url,
          retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
          rateBudget: { store, settings: { guardMs: 0 } },
        });
      const keys = {
        kind: "apiKey" as const,
        publicKey: "simdemok",
        privateKey: "5e1f0c4a-7b2d-4c8e-9f3a-6d2b1e0a9c47",
      };
      const call = {
        groupId: DEMO_PROJECT.groupId,
        peerId: DEMO_PROJECT.peers.aws.peerId,
        apiVersion: "v2" as const,
        query: {},
      };
      const deadline = Date.now() + 10_000;
      sim.faults.inject({ status: 429, retryAfterSeconds: 30, match: { method: "GET" } });
      expect((await clientFor().getPeer(keys, call, { deadline })).status).toBe(429);
      const before = sim.requests.length;
      const held = await clientFor()
        .getPeer(keys, call, { deadline })
        .catch((error: unknown) => error);
      expect(held).toBeInstanceOf(AtlasBudgetEmptyError);
      expect((held as AtlasBudgetEmptyError).retryAtMs).toBeGreaterThan(Date.now() + 25_000);
      expect(sim.requests).toHaveLength(before);
    } finally {
      await sim.close();
    }
  });

  it("gives Atlas's last answer back when a retry finds the bucket empty, instead of sending it", async () => {
    const sim = await startAtlasSimulator({ rateLimit: "1/1/60" });
    try {
      const atlas = new AtlasClient({
        transport: createUndiciTransport({
          connectTimeoutMs: 2_000,
          headersTimeoutMs: 5_000,
          bodyTimeoutMs: 5_000,
        }),
        defaultBaseUrl: sim.url,
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
        rateBudget: { store: container(), settings: { guardMs: 0 } },
      });
      const keys = {
        kind: "apiKey" as const,
        publicKey: "simdemok",
        privateKey: "5e1f0c4a-7b2d-4c8e-9f3a-6d2b1e0a9c47",
      };
      const call = {
        groupId: DEMO_PROJECT.groupId,
        peerId: DEMO_PROJECT.peers.aws.peerId,
        apiVersion: "v2" as const,
        query: {},
      };
      sim.faults.inject({ status: 503, match: { method: "GET" } });
      const answer = await atlas.getPeer(keys, call, { deadline: Date.now() + 10_000 });
      expect(answer).toMatchObject({ status: 503, attempts: 1 });
      expect(sim.requests.filter((r) => r.path.includes("/peers/") && r.authenticated)).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });
});
