import type { Variant } from "./artefact.js";
import { CIDRS } from "./coldChange.js";
import { type Figure, figure, round, stats } from "./report.js";
import { type BenchStack, checkedAnswer, tally } from "./stack.js";

type Stats = ReturnType<typeof stats>;

export interface WarmSide {
  wallMs: Stats;
  handlerMs: Stats;
  rssBytes: number;
  halvesMedianMs: [number, number];
  ioPerWarmRequest: Record<string, number>;
  /** GetSecretValue calls over all invocations (the cold one included). */
  getSecretValueCalls: number;
}

export interface WarmResult {
  figures: Figure[];
  details: {
    method: string;
    invocations: number;
    variants: { label: string; gateway: WarmSide; floor: WarmSide }[];
  };
}

interface Series {
  wall: number[];
  handler: number[];
  io: string[];
  secrets: number;
}

/**
 * Warm: one environment of the packaged http function and one of the floor (per variant), each invoked once cold
 * (not counted), then `n` warm change requests each, in alternation (gateway, floor, …). Every gateway request is
 * a normal change on a free peering: the drop-in PATCH moves the demo peer to the other CIDR, and the change it
 * opens is then settled, untimed, by firing its re-check (packaged recheck function), which releases the lock.
 * Timed: invoke() → result as the bench sees it (IPC included) and the handler alone (runner's durationMs).
 * RSS of each environment after its `n` warm invocations.
 */
export async function benchWarm(
  stack: BenchStack,
  variants: readonly Variant[],
  options: { invocations: number },
): Promise<WarmResult> {
  const envs = [];
  for (const v of variants) {
    envs.push({
      variant: v,
      gateway: (await stack.start(v.http.spec, v.http.codeDir)).fn,
      floor: (await stack.start(v.floor.spec, v.floor.codeDir)).fn,
      g: { wall: [], handler: [], io: [], secrets: 0 } as Series,
      f: { wall: [], handler: [], io: [], secrets: 0 } as Series,
    });
  }
  const n = options.invocations;
  try {
    for (let i = -1; i < n; i++) {
      const cidr = CIDRS[(i + 1) % 2] as string;
      for (const env of envs) {
        let mark = stack.io.mark();
        let started = performance.now();
        const g = await env.gateway.invoke(stack.patchEvent(cidr));
        const gMs = performance.now() - started;
        const { changeId } = checkedAnswer("warm gateway", g);
        const gIo = stack.io.since(mark);
        await stack.settle(changeId, Date.now());
        mark = stack.io.mark();
        started = performance.now();
        const f = await env.floor.invoke(stack.patchEvent(cidr));
        const fMs = performance.now() - started;
        checkedAnswer("warm floor", f);
        const fIo = stack.io.since(mark);
        env.g.secrets += gIo.filter((k) => k.startsWith("secretsmanager")).length;
        env.f.secrets += fIo.filter((k) => k.startsWith("secretsmanager")).length;
        if (i < 0) continue;
        record(env.g, gMs, g.durationMs, gIo);
        record(env.f, fMs, f.durationMs, fIo);
      }
    }
    const details = [];
    for (const env of envs) {
      details.push({
        label: env.variant.label,
        gateway: side(env.g, await env.gateway.rss(), n),
        floor: side(env.f, await env.floor.rss(), n),
      });
    }
    const first = details[0];
    if (!first) throw new Error("no package to measure");
    const MiB = 2 ** 20;
    const figures = [
      figure({
        id: "warm.median",
        label: `warm change request, median (${n} in one environment)`,
        unit: "ms",
        gateway: first.gateway.wallMs.median,
        baseline: first.floor.wallMs.median,
        baselineLabel: "floor handler",
      }),
      figure({
        id: "warm.p99",
        label: `warm change request, p99 (${n} in one environment)`,
        unit: "ms",
        gateway: first.gateway.wallMs.p99,
        baseline: first.floor.wallMs.p99,
        baselineLabel: "floor handler",
      }),
      figure({
        id: "warm.rss",
        label: `RSS after ${n} warm change requests`,
        unit: "MiB",
        gateway: first.gateway.rssBytes / MiB,
        baseline: first.floor.rssBytes / MiB,
        baselineLabel: "floor handler",
      }),
      figure({
        id: "warm.getSecretValue",
        label: `GetSecretValue calls, ${n + 1} invocations in one environment`,
        unit: "calls",
        gateway: first.gateway.getSecretValueCalls,
        baseline: 2 * (n + 1),
        baselineLabel: "no cache: 2/invocation",
        goal: { on: "value", max: 2, text: "≤ 2 (1 per secret per 300 s)" },
      }),
    ];
    return {
      figures,
      details: {
        method:
          "One environment each (startLambda on the unzipped package / the floor's folder), one cold invocation " +
          `not counted, then ${n} warm invocations each, alternating gateway and floor. Each gateway request is a ` +
          "drop-in PATCH moving the demo AWS peer to the other CIDR (10.9.0.0/21 ↔ 10.10.0.0/21); the change it " +
          "opens is then settled, untimed, by firing its re-check schedule into the packaged recheck function " +
          "(it sees the peer AVAILABLE, marks the change SUCCEEDED and releases the peering lock), so every timed " +
          "request takes the free-lock path. The floor's request is the same PATCH. wallMs = invoke() → result " +
          "(IPC included); handlerMs = the runner's own timing of the handler. RSS = process.memoryUsage().rss " +
          "after the last warm invocation.",
        invocations: n,
        variants: details,
      },
    };
  } finally {
    for (const env of envs) {
      await env.gateway.stop();
      await env.floor.stop();
    }
  }
}

function record(series: Series, wallMs: number, handlerMs: number, io: string[]): void {
  series.wall.push(wallMs);
  series.handler.push(handlerMs);
  series.io.push(...io);
}

function side(series: Series, rssBytes: number, n: number): WarmSide {
  return {
    wallMs: stats(series.wall),
    handlerMs: stats(series.handler),
    rssBytes,
    halvesMedianMs: halves(series.wall),
    ioPerWarmRequest: Object.fromEntries(
      Object.entries(tally(series.io)).map(([k, v]) => [k, round(v / n, 3)]),
    ),
    getSecretValueCalls: series.secrets,
  };
}

/** Medians of the first and second half: shows drift (a growing table, a warming JIT). */
function halves(samples: readonly number[]): [number, number] {
  const mid = Math.floor(samples.length / 2);
  return [round(stats(samples.slice(0, mid)).median, 3), round(stats(samples.slice(mid)).median, 3)];
}
