import type { LambdaProcess } from "../local/lambda/runtime.js";
import { checkedAnswer } from "./answers.js";
import type { Variant } from "./artefact.js";
import { CIDRS } from "./coldChange.js";
import { tally } from "./ioRecorder.js";
import { type Figure, figure, round, stats } from "./report.js";
import type { BenchStack } from "./stack.js";

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
  const envs = await startEnvironments(stack, variants);
  const n = options.invocations;
  try {
    for (let i = -1; i < n; i++) {
      const cidr = CIDRS[(i + 1) % 2] as string;
      for (const env of envs) await warmRound(stack, env, cidr, i >= 0);
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
    return {
      figures: warmFigures(first, n),
      details: { method: methodOf(n), invocations: n, variants: details },
    };
  } finally {
    for (const env of envs) {
      await env.gateway.stop();
      await env.floor.stop();
    }
  }
}

/** One variant's gateway and floor environments, and what their requests measured. */
interface Environments {
  variant: Variant;
  gateway: LambdaProcess;
  floor: LambdaProcess;
  g: Series;
  f: Series;
}

async function startEnvironments(stack: BenchStack, variants: readonly Variant[]): Promise<Environments[]> {
  const envs: Environments[] = [];
  for (const v of variants) {
    envs.push({
      variant: v,
      gateway: (await stack.start(v.http.spec, v.http.codeDir)).fn,
      floor: (await stack.start(v.floor.spec, v.floor.codeDir)).fn,
      g: { wall: [], handler: [], io: [], secrets: 0 },
      f: { wall: [], handler: [], io: [], secrets: 0 },
    });
  }
  return envs;
}

/** One PATCH to `cidr`, timed as the bench sees it, checked, with the calls it made. */
async function timedPatch(stack: BenchStack, fn: LambdaProcess, cidr: string, label: string) {
  const mark = stack.io.mark();
  const started = performance.now();
  const outcome = await fn.invoke(stack.patchEvent(cidr));
  const ms = performance.now() - started;
  const { changeId } = checkedAnswer(label, outcome);
  return { ms, outcome, changeId, io: stack.io.since(mark) };
}

/** The gateway's request, its change settled (untimed), then the floor's; recorded unless it is the warm-up. */
async function warmRound(
  stack: BenchStack,
  env: Environments,
  cidr: string,
  counted: boolean,
): Promise<void> {
  const g = await timedPatch(stack, env.gateway, cidr, "warm gateway");
  await stack.settle(g.changeId, Date.now());
  const f = await timedPatch(stack, env.floor, cidr, "warm floor");
  env.g.secrets += g.io.filter((k) => k.startsWith("secretsmanager")).length;
  env.f.secrets += f.io.filter((k) => k.startsWith("secretsmanager")).length;
  if (!counted) return;
  record(env.g, g.ms, g.outcome.durationMs, g.io);
  record(env.f, f.ms, f.outcome.durationMs, f.io);
}

function warmFigures(first: { gateway: WarmSide; floor: WarmSide }, n: number): Figure[] {
  const MiB = 2 ** 20;
  return [
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
}

function methodOf(n: number): string {
  return (
    "One environment each (startLambda on the unzipped package / the floor's folder), one cold invocation " +
    `not counted, then ${n} warm invocations each, alternating gateway and floor. Each gateway request is a ` +
    "drop-in PATCH moving the demo AWS peer to the other CIDR (10.9.0.0/21 ↔ 10.10.0.0/21); the change it " +
    "opens is then settled, untimed, by firing its re-check schedule into the packaged recheck function " +
    "(it sees the peer AVAILABLE, marks the change SUCCEEDED and releases the peering lock), so every timed " +
    "request takes the free-lock path. The floor's request is the same PATCH. wallMs = invoke() → result " +
    "(IPC included); handlerMs = the runner's own timing of the handler. RSS = process.memoryUsage().rss " +
    "after the last warm invocation."
  );
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
