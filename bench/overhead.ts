import { startApiGatewayServer } from "../local/apiGatewayServer.js";
import { DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../local/simulator/index.js";
import type { HttpResult } from "../src/channels/common/response.js";
import type { Target } from "./artefact.js";
import { DigestSession } from "./baseline/digest.js";
import { CIDRS } from "./coldChange.js";
import { type Figure, figure, round, stats } from "./report.js";
import { type BenchStack, tally, V2 } from "./stack.js";

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
export async function benchOverhead(
  stack: BenchStack,
  http: Target,
  options: { requests: number; warmup: number; atlasLatencyMs: number },
): Promise<OverheadResult> {
  const { fn } = await stack.start(http.spec, http.codeDir);
  const gateway = await startApiGatewayServer(async (event) => {
    const outcome = await fn.invoke(event);
    if (outcome.error) throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    return outcome.result as HttpResult;
  });
  const direct = new DigestSession(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY);
  stack.sim.faults.inject({ latencyMs: options.atlasLatencyMs, match: { method: "PATCH" } });
  const gatewayMs: number[] = [];
  const directMs: number[] = [];
  const gatewayIo: string[] = [];
  const directIo: string[] = [];
  try {
    for (let i = -options.warmup; i < options.requests; i++) {
      let mark = stack.io.mark();
      let started = performance.now();
      const answer = await fetch(`${gateway.url}${stack.path}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${stack.token}`, "content-type": V2, accept: V2 },
        body: stack.body(CIDRS[(i + options.warmup) % 2] as string),
      });
      const text = await answer.text();
      const g = performance.now() - started;
      const changeId = answer.headers.get("x-change-request-id");
      if (answer.status !== 200 || !changeId || !text.includes('"INITIATING"'))
        throw new Error(`gateway PATCH answered ${answer.status}: ${text.slice(0, 300)}`);
      const gIo = stack.io.since(mark);
      await stack.settle(changeId, Date.now());
      mark = stack.io.mark();
      started = performance.now();
      const reply = await direct.fetch(`${stack.sim.url}${stack.path}`, {
        method: "PATCH",
        headers: { "content-type": V2, accept: V2 },
        body: stack.body(DIRECT_CIDR),
      });
      const replyText = await reply.text();
      const d = performance.now() - started;
      if (reply.status !== 200)
        throw new Error(`direct PATCH answered ${reply.status}: ${replyText.slice(0, 300)}`);
      const dIo = stack.io.since(mark);
      if (i < 0) continue;
      gatewayMs.push(g);
      directMs.push(d);
      gatewayIo.push(...gIo);
      directIo.push(...dIo);
    }
  } finally {
    stack.sim.faults.clear();
    await gateway.close();
    await fn.stop();
  }
  const gs = stats(gatewayMs);
  const ds = stats(directMs);
  const goal = { on: "ratio", max: 1.15, text: "≤ 1.15×" } as const;
  const n = options.requests;
  const perRequest = (kinds: string[]) =>
    Object.fromEntries(Object.entries(tally(kinds)).map(([k, v]) => [k, round(v / n, 3)]));
  const rounded = (s: ReturnType<typeof stats>) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 3)]));
  return {
    figures: [
      figure({
        id: "overhead.withAtlasLatency.median",
        label: `PATCH latency, median, Atlas answers after ${options.atlasLatencyMs} ms`,
        unit: "ms",
        gateway: gs.median,
        baseline: ds.median,
        baselineLabel: "direct digest fetch",
        goal,
      }),
      figure({
        id: "overhead.withAtlasLatency.p99",
        label: `PATCH latency, p99, Atlas answers after ${options.atlasLatencyMs} ms`,
        unit: "ms",
        gateway: gs.p99,
        baseline: ds.p99,
        baselineLabel: "direct digest fetch",
        goal,
      }),
    ],
    details: {
      method:
        "Interleaved, warm: one PATCH through the packaged http function (fetch → local API Gateway v2 server on " +
        "127.0.0.1 → invoke() of one warm environment → Atlas simulator), timed; its change settled (untimed) by " +
        "firing its re-check into the packaged recheck function; then the same PATCH body (another CIDR) straight " +
        "to the simulator with digest auth (bench/baseline/digest.ts: fetch + node:crypto, warm nonce), timed. " +
        `A latency fault delays every PATCH answer by ${options.atlasLatencyMs} ms (re-check GETs are not delayed). ` +
        `${options.warmup} warm-up iterations, then ${n} timed.`,
      requests: n,
      atlasLatencyMs: options.atlasLatencyMs,
      gatewayMs: rounded(gs),
      directMs: rounded(ds),
      overheadMsMedian: round(gs.median - ds.median, 3),
      ioPerRequest: { gateway: perRequest(gatewayIo), direct: perRequest(directIo) },
    },
  };
}
