import { Agent, request } from "undici";
import { DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../local/stack.js";
import { AtlasClient } from "../src/atlas/AtlasClient.js";
import { createUndiciTransport } from "../src/atlas/transport.js";
import { type Figure, figure, round, stats } from "./report.js";

const V2 = "application/vnd.atlas.2023-01-01+json";
const HOUR = 3_600_000;
/** The gateway's PATCH and the direct PATCH always move the peer to a CIDR it does not have yet. */
const GATEWAY_CIDR = "10.9.0.0/21";
const DIRECT_CIDR = "10.8.0.0/21";

/** The port methods the gateway's request path may call, counted to show what a request costs besides Atlas. */
const COUNTED: Record<string, readonly string[]> = {
  store: [
    "create",
    "get",
    "update",
    "list",
    "due",
    "acquirePeerLock",
    "replacePeerLock",
    "releasePeerLock",
    "rememberIdempotencyKey",
  ],
  audit: ["record"],
  scheduler: ["schedule", "cancel"],
  events: ["publish", "publishRejection"],
  credentials: ["credentialsFor"],
  callers: ["registry"],
  atlas: ["getPeer", "updatePeer"],
};

type Counts = Record<string, number>;

/**
 * Wraps the listed methods of the stack's adapters (in place) so each call is counted under `port.method`,
 * and the time until its promise settles is summed under the same key in `ms`.
 */
function countPortCalls(stack: LocalStack): { counts: Counts; ms: Counts } {
  const counts: Counts = {};
  const ms: Counts = {};
  const deps = stack.deps as unknown as Record<string, Record<string, unknown>>;
  for (const [port, methods] of Object.entries(COUNTED)) {
    const target = deps[port];
    if (!target) continue;
    for (const method of methods) {
      const original = target[method];
      if (typeof original !== "function") continue;
      const key = `${port}.${method}`;
      target[method] = (...args: unknown[]) => {
        counts[key] = (counts[key] ?? 0) + 1;
        const started = performance.now();
        const result = (original as (...a: unknown[]) => unknown).apply(target, args);
        const done = () => {
          ms[key] = (ms[key] ?? 0) + performance.now() - started;
        };
        if (result instanceof Promise) return result.finally(done);
        done();
        return result;
      };
    }
  }
  return { counts, ms };
}

function diff(after: Counts, before: Counts): Counts {
  const out: Counts = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}

function add(total: Counts, more: Counts): void {
  for (const [key, value] of Object.entries(more)) total[key] = (total[key] ?? 0) + value;
}

function perRequest(total: Counts, n: number): Counts {
  return Object.fromEntries(Object.entries(total).map(([key, value]) => [key, round(value / n, 3)]));
}

interface Sample {
  gatewayMs: number[];
  directMs: number[];
  /** Atlas requests (by method, and digest challenges answered 401) seen by the simulator, summed. */
  gatewayAtlas: Counts;
  directAtlas: Counts;
  /** Port calls made while serving the timed gateway requests (the untimed cancels are not counted). */
  gatewayPorts: Counts;
  /** Milliseconds spent in those port calls, summed per port method. */
  gatewayPortMs: Counts;
}

export interface OverheadResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/**
 * Request-path overhead: the same Atlas PATCH through the gateway (local stack: the real HTTP handler behind
 * the API Gateway adapter, dynalite as DynamoDB, in-process timers as the Scheduler) and straight to the
 * simulator with a warm digest `AtlasClient`. The two are interleaved (gateway, then direct), so both see
 * the same machine load. Between gateway requests the previous change is cancelled (untimed) so the next one
 * is not refused as in flight; each PATCH moves the CIDR, so none is a no-op.
 */
export async function benchOverhead(options: {
  requests: number;
  warmup: number;
  /** Requests for the variant where every Atlas answer is delayed (a model of a real Atlas round trip). */
  latencyRequests: number;
  latencyWarmup: number;
  atlasLatencyMs: number;
}): Promise<OverheadResult> {
  const devToken = "bench-dev-token-5c4b3a29";
  const stack = await startLocalStack({
    logLevel: "SILENT",
    devToken,
    // Peers stay INITIATING, and no re-check or sweep runs while we measure.
    simulatorStepMs: 24 * HOUR,
    cadence: { recheckDelayMs: HOUR, humanWaitMaxMs: HOUR },
    sweepEveryMs: HOUR,
  });
  const sim = stack.simulator;
  if (!sim) throw new Error("the local stack has no simulator");
  const { counts: ports, ms: portMs } = countPortCalls(stack);
  const { groupId, peers } = sim.demo;
  const { peerId, accepterRegionName, awsAccountId, containerId, vpcId } = peers.aws;
  const bodyFor = (cidr: string) =>
    JSON.stringify({
      accepterRegionName,
      awsAccountId,
      containerId,
      routeTableCidrBlock: cidr,
      vpcId,
      providerName: "AWS",
    });
  const gatewayBody = bodyFor(GATEWAY_CIDR);
  const directBody = bodyFor(DIRECT_CIDR);
  const path = `/api/atlas/v2/groups/${groupId}/peers/${peerId}`;

  const gatewayAgent = new Agent({ connections: 1 });
  const transport = createUndiciTransport({
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 10_000,
  });
  const direct = new AtlasClient({
    transport,
    defaultBaseUrl: sim.url,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
  });
  // Not a fresh literal at the call site, so it fits AtlasCredentials with or without its `kind` tag.
  const keys = { kind: "apiKey" as const, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY };
  const call = { groupId, peerId, apiVersion: "v2" as const, query: {} };

  const atlasSince = (from: number): Counts => {
    const counts: Counts = {};
    for (const r of sim.requests.slice(from)) {
      counts[r.method] = (counts[r.method] ?? 0) + 1;
      if (r.status === 401) counts.challenged401 = (counts.challenged401 ?? 0) + 1;
    }
    return counts;
  };

  const viaGateway = async (): Promise<{ ms: number; changeId: string }> => {
    const started = performance.now();
    const res = await request(`${stack.gatewayUrl}${path}`, {
      dispatcher: gatewayAgent,
      method: "PATCH",
      headers: { authorization: `Bearer ${devToken}`, "content-type": V2, accept: V2 },
      body: gatewayBody,
    });
    const text = await res.body.text();
    const ms = performance.now() - started;
    const changeId = res.headers["x-change-request-id"];
    if (res.statusCode !== 200 || typeof changeId !== "string" || !text.includes('"INITIATING"')) {
      throw new Error(`gateway PATCH answered ${res.statusCode}: ${text.slice(0, 300)}`);
    }
    return { ms, changeId };
  };

  const cancel = async (changeId: string): Promise<void> => {
    const res = await request(`${stack.gatewayUrl}/v1/peering-changes/${changeId}`, {
      dispatcher: gatewayAgent,
      method: "DELETE",
      headers: { authorization: `Bearer ${devToken}` },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`cancel answered ${res.statusCode}: ${text.slice(0, 300)}`);
  };

  const viaDirect = async (): Promise<number> => {
    const started = performance.now();
    const answer = await direct.updatePeer(keys, call, directBody, { deadline: Date.now() + 10_000 });
    const ms = performance.now() - started;
    if (answer.status !== 200)
      throw new Error(`direct PATCH answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    return ms;
  };

  const measure = async (n: number, warmup: number): Promise<Sample> => {
    const sample: Sample = {
      gatewayMs: [],
      directMs: [],
      gatewayAtlas: {},
      directAtlas: {},
      gatewayPorts: {},
      gatewayPortMs: {},
    };
    for (let i = -warmup; i < n; i++) {
      const atlasBefore = sim.requests.length;
      const portsBefore = { ...ports };
      const portMsBefore = { ...portMs };
      const gateway = await viaGateway();
      const gatewayAtlas = atlasSince(atlasBefore);
      const gatewayPorts = diff(ports, portsBefore);
      const gatewayPortMs = diff(portMs, portMsBefore);
      await cancel(gateway.changeId);
      const directBefore = sim.requests.length;
      const directMs = await viaDirect();
      const directAtlas = atlasSince(directBefore);
      if (i < 0) continue;
      sample.gatewayMs.push(gateway.ms);
      sample.directMs.push(directMs);
      add(sample.gatewayAtlas, gatewayAtlas);
      add(sample.directAtlas, directAtlas);
      add(sample.gatewayPorts, gatewayPorts);
      add(sample.gatewayPortMs, gatewayPortMs);
    }
    return sample;
  };

  try {
    const plain = await measure(options.requests, options.warmup);
    sim.faults.inject({ latencyMs: options.atlasLatencyMs });
    const slow = await measure(options.latencyRequests, options.latencyWarmup);
    sim.faults.clear();
    return summarise(plain, slow, options);
  } finally {
    await gatewayAgent.close();
    await transport.close();
    await stack.close();
  }
}

function summarise(
  plain: Sample,
  slow: Sample,
  options: { requests: number; latencyRequests: number; atlasLatencyMs: number },
): OverheadResult {
  const g = stats(plain.gatewayMs);
  const d = stats(plain.directMs);
  const gs = stats(slow.gatewayMs);
  const ds = stats(slow.directMs);
  const atlasCalls = (counts: Counts, n: number) =>
    ((counts.GET ?? 0) + (counts.PATCH ?? 0)) / Math.max(1, n);
  const goal = { on: "ratio", max: 1.15, text: "≤ 1.15×" } as const;
  const figures = [
    figure({
      id: "overhead.median",
      label: "PATCH latency, median (local simulator)",
      unit: "ms",
      gateway: g.median,
      baseline: d.median,
      baselineLabel: "direct AtlasClient",
      goal,
    }),
    figure({
      id: "overhead.p99",
      label: "PATCH latency, p99 (local simulator)",
      unit: "ms",
      gateway: g.p99,
      baseline: d.p99,
      baselineLabel: "direct AtlasClient",
      goal,
    }),
    figure({
      id: "overhead.atlasCallsPerRequest",
      label: "Atlas calls per PATCH request",
      unit: "calls",
      gateway: atlasCalls(plain.gatewayAtlas, options.requests),
      baseline: atlasCalls(plain.directAtlas, options.requests),
      baselineLabel: "direct AtlasClient",
    }),
    figure({
      id: "overhead.withAtlasLatency.median",
      label: `PATCH latency, median, Atlas answers after ${options.atlasLatencyMs} ms`,
      unit: "ms",
      gateway: gs.median,
      baseline: ds.median,
      baselineLabel: "direct AtlasClient",
      goal,
    }),
    figure({
      id: "overhead.withAtlasLatency.p99",
      label: `PATCH latency, p99, Atlas answers after ${options.atlasLatencyMs} ms`,
      unit: "ms",
      gateway: gs.p99,
      baseline: ds.p99,
      baselineLabel: "direct AtlasClient",
      goal,
    }),
  ];
  const rounded = (s: ReturnType<typeof stats>) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 3)]));
  return {
    figures,
    details: {
      method:
        "Interleaved: one gateway PATCH (timed; HTTP client → local API Gateway adapter → http handler → " +
        "planning GET + PATCH to the simulator, DynamoDB = dynalite in-process), then DELETE of that change " +
        "(untimed, frees the peering), then one direct PATCH by a warm digest AtlasClient (timed). Both go to " +
        "the same simulator and peer; each PATCH changes the CIDR, so none is a no-op.",
      plain: {
        requests: options.requests,
        gatewayMs: rounded(g),
        directMs: rounded(d),
        atlasCallsPerRequest: {
          gateway: perRequest(plain.gatewayAtlas, options.requests),
          direct: perRequest(plain.directAtlas, options.requests),
        },
        gatewayPortCallsPerRequest: perRequest(plain.gatewayPorts, options.requests),
        gatewayTimeBreakdownMsPerRequest: breakdown(plain, options.requests),
        gatewayMedianMsFirstHalfSecondHalf: halves(plain.gatewayMs),
        directMedianMsFirstHalfSecondHalf: halves(plain.directMs),
        overheadMsMedian: round(g.median - d.median, 3),
      },
      withAtlasLatency: {
        requests: options.latencyRequests,
        atlasLatencyMs: options.atlasLatencyMs,
        gatewayMs: rounded(gs),
        directMs: rounded(ds),
        atlasCallsPerRequest: {
          gateway: perRequest(slow.gatewayAtlas, options.latencyRequests),
          direct: perRequest(slow.directAtlas, options.latencyRequests),
        },
        gatewayTimeBreakdownMsPerRequest: breakdown(slow, options.latencyRequests),
        overheadMsMedian: round(gs.median - ds.median, 3),
      },
    },
  };
}

/**
 * Mean milliseconds per gateway request spent in each port (Atlas, store, audit…) and the rest: the HTTP hop
 * from the bench client, the API Gateway adapter, authentication, validation and the handler's own work.
 */
function breakdown(sample: Sample, n: number): Counts {
  const perPort = perRequest(sample.gatewayPortMs, n);
  const mean = sample.gatewayMs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const inPorts = Object.values(sample.gatewayPortMs).reduce((a, b) => a + b, 0) / Math.max(1, n);
  return {
    ...perPort,
    "rest (HTTP hop, adapter, auth, validation, handler)": round(mean - inPorts, 3),
    mean: round(mean, 3),
  };
}

/** Medians of the first and second half of the samples: shows drift (a table that grows, a warming JIT). */
function halves(samples: readonly number[]): [number, number] {
  const mid = Math.floor(samples.length / 2);
  return [round(stats(samples.slice(0, mid)).median, 3), round(stats(samples.slice(mid)).median, 3)];
}
