import { startApiGatewayServer } from "../local/apiGatewayServer.js";
import { DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../local/simulator/index.js";
import type { HttpResult } from "../src/channels/common/response.js";
import type { Target } from "./artefact.js";
import { DigestSession } from "./baseline/digest.js";
import { CIDRS } from "./coldChange.js";
import { tally } from "./ioRecorder.js";
import { V2 } from "./lambdaEvents.js";
import { type Figure, figure, round, stats } from "./report.js";
import type { BenchStack } from "./stack.js";

/** The direct PATCH moves the peer to a third CIDR, so neither path ever sends a no-op. */
const DIRECT_CIDR = "10.8.0.0/21";

export interface OverheadResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/**
 * Request overhead on the artefact: the drop-in PATCH through the packaged http function (an HTTP client →
 * the local API Gateway (payload v2) server → the function's warm environment → Atlas) against the same PATCH
 * sent straight to the simulator with digest auth (`fetch` + node:crypto, a warm nonce), Atlas delaying every
 * PATCH answer by `atlasLatencyMs`. Interleaved: gateway (timed), its change settled through the packaged
 * recheck function (untimed), direct (timed).
 */
type Options = { requests: number; warmup: number; atlasLatencyMs: number };

/** Per path, the timed samples and the calls they made, warm-up excluded. */
interface Samples {
  gatewayMs: number[];
  directMs: number[];
  gatewayIo: string[];
  directIo: string[];
}

export async function benchOverhead(
  stack: BenchStack,
  http: Target,
  options: Options,
): Promise<OverheadResult> {
  const { fn } = await stack.start(http.spec, http.codeDir);
  const gateway = await startApiGatewayServer(async (event) => {
    const outcome = await fn.invoke(event);
    if (outcome.error) throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    return outcome.result as HttpResult;
  });
  const direct = new DigestSession(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY);
  stack.sim.faults.inject({ latencyMs: options.atlasLatencyMs, match: { method: "PATCH" } });
  const samples: Samples = { gatewayMs: [], directMs: [], gatewayIo: [], directIo: [] };
  try {
    for (let i = -options.warmup; i < options.requests; i++) {
      const g = await throughGateway(stack, gateway.url, CIDRS[(i + options.warmup) % 2] as string);
      await stack.settle(g.changeId, Date.now());
      const d = await straightToAtlas(stack, direct);
      if (i < 0) continue;
      samples.gatewayMs.push(g.ms);
      samples.directMs.push(d.ms);
      samples.gatewayIo.push(...g.io);
      samples.directIo.push(...d.io);
    }
  } finally {
    stack.sim.faults.clear();
    await gateway.close();
    await fn.stop();
  }
  return report(options, samples);
}

/** The drop-in PATCH as a client sends it to the local API Gateway: timed, checked, with the calls it made. */
async function throughGateway(stack: BenchStack, gatewayUrl: string, cidr: string) {
  const mark = stack.io.mark();
  const started = performance.now();
  const answer = await fetch(`${gatewayUrl}${stack.path}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${stack.token}`, "content-type": V2, accept: V2 },
    body: stack.body(cidr),
  });
  const text = await answer.text();
  const ms = performance.now() - started;
  const changeId = answer.headers.get("x-change-request-id");
  if (answer.status !== 200 || !changeId || !text.includes('"INITIATING"'))
    throw new Error(`gateway PATCH answered ${answer.status}: ${text.slice(0, 300)}`);
  return { ms, changeId, io: stack.io.since(mark) };
}

/** The same PATCH body (the third CIDR) straight to the simulator with digest auth: timed, checked. */
async function straightToAtlas(stack: BenchStack, direct: DigestSession) {
  const mark = stack.io.mark();
  const started = performance.now();
  const reply = await direct.fetch(`${stack.sim.url}${stack.path}`, {
    method: "PATCH",
    headers: { "content-type": V2, accept: V2 },
    body: stack.body(DIRECT_CIDR),
  });
  const replyText = await reply.text();
  const ms = performance.now() - started;
  if (reply.status !== 200)
    throw new Error(`direct PATCH answered ${reply.status}: ${replyText.slice(0, 300)}`);
  return { ms, io: stack.io.since(mark) };
}

function report(options: Options, samples: Samples): OverheadResult {
  const gs = stats(samples.gatewayMs);
  const ds = stats(samples.directMs);
  const n = options.requests;
  const perRequest = (kinds: string[]) =>
    Object.fromEntries(Object.entries(tally(kinds)).map(([k, v]) => [k, round(v / n, 3)]));
  const rounded = (s: ReturnType<typeof stats>) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 3)]));
  const latency = (p: "median" | "p99", gateway: number, baseline: number) =>
    figure({
      id: `overhead.withAtlasLatency.${p}`,
      label: `PATCH latency, ${p}, Atlas answers after ${options.atlasLatencyMs} ms`,
      unit: "ms",
      gateway,
      baseline,
      baselineLabel: "direct digest fetch",
      goal: OVERHEAD_GOAL,
    });
  return {
    figures: [latency("median", gs.median, ds.median), latency("p99", gs.p99, ds.p99)],
    details: {
      method: methodOf(options),
      requests: n,
      atlasLatencyMs: options.atlasLatencyMs,
      gatewayMs: rounded(gs),
      directMs: rounded(ds),
      overheadMsMedian: round(gs.median - ds.median, 3),
      ioPerRequest: { gateway: perRequest(samples.gatewayIo), direct: perRequest(samples.directIo) },
    },
  };
}

const OVERHEAD_GOAL = { on: "ratio", max: 1.15, text: "≤ 1.15×" } as const;

function methodOf(options: Options): string {
  return (
    "Interleaved, warm: one PATCH through the packaged http function (fetch → local API Gateway v2 server on " +
    "127.0.0.1 → invoke() of one warm environment → Atlas simulator), timed; its change settled (untimed) by " +
    "firing its re-check into the packaged recheck function; then the same PATCH body (another CIDR) straight " +
    "to the simulator with digest auth (bench/baseline/digest.ts: fetch + node:crypto, warm nonce), timed. " +
    `A latency fault delays every PATCH answer by ${options.atlasLatencyMs} ms (re-check GETs are not delayed). ` +
    `${options.warmup} warm-up iterations, then ${options.requests} timed.`
  );
}
