import { checkedAnswer } from "./answers.js";
import type { Target, Variant } from "./artefact.js";
import { sameIo, tally } from "./ioRecorder.js";
import { type Figure, figure, type Goal, round, stats } from "./report.js";
import type { BenchStack } from "./stack.js";

/** Two CIDRs the demo peer is moved between, so every PATCH is a real change. */
export const CIDRS = ["10.9.0.0/21", "10.10.0.0/21"] as const;

interface Sample {
  /** Spawn → the PATCH's answer (the headline). */
  answerWallMs: number;
  readyWallMs: number;
  initMs: number;
  /** The first invocation as the runner timed it (handler only, no IPC). */
  invokeMs: number;
  io: string[];
}

type Stats = ReturnType<typeof stats>;

export interface ColdSummary {
  answerWallMs: Stats;
  readyWallMs: Stats;
  initMs: Stats;
  firstInvocationMs: Stats;
  answerWallMsSamples: number[];
}

export interface ColdChangeVariant {
  label: string;
  gateway: ColdSummary;
  floor: ColdSummary;
  ioPerRequest: { gateway: Record<string, number>; floor: Record<string, number>; same: boolean };
}

export interface ColdChangeResult {
  figures: Figure[];
  details: { method: string; pairs: number; variants: ColdChangeVariant[]; reChecksFiredPerSettle: number[] };
}

/**
 * The cold change request: a fresh environment of the packaged http function, its import and first invocation
 * of a valid drop-in `PATCH /api/atlas/v2/groups/{g}/peers/{p}` (v2 media type; the demo AWS peer's writable
 * fields, a new CIDR) through every chunk that path loads, against the emulators and the simulator; timed from
 * the spawn to the answer. Beside it the floor handler, the same way. Pairs alternate (gateway, floor, gateway…;
 * with `--compare`, each round runs every variant's pair), one discarded warm-up round first. After each gateway
 * sample its change is settled (untimed) by firing its re-check through the packaged recheck function, so the
 * next sample finds the peering free.
 */
export async function benchColdChange(
  stack: BenchStack,
  variants: readonly Variant[],
  options: { pairs: number },
): Promise<ColdChangeResult> {
  const { samples, fired } = await samplePairs(stack, variants, options.pairs);
  const details = variants.map((v) => variantDetails(v, samples));
  const first = details[0];
  if (!first) throw new Error("no package to measure");
  return {
    figures: coldChangeFigures(first),
    details: { method: METHOD, pairs: options.pairs, variants: details, reChecksFiredPerSettle: fired },
  };
}

const METHOD =
  "Pairs in alternation (gateway, floor), one discarded warm-up pair. Each sample: startLambda on the unzipped " +
  "package (fresh node process), then invoke() with the API Gateway v2 event of a drop-in PATCH " +
  "/api/atlas/v2/groups/{g}/peers/{awsPeer} (Bearer token, v2 media type, the peer's writable fields with " +
  "a CIDR it does not have), then stop(). answerWallMs = before the spawn → the invocation's result. The " +
  "gateway's change is then settled, untimed: its CreateSchedule'd re-check is fired and runs in the " +
  "packaged recheck function (warm), which sees the peer AVAILABLE and releases the peering lock.";

/** `pairs` rounds after one warm-up round; each settles the gateway's change before the floor's sample. */
async function samplePairs(stack: BenchStack, variants: readonly Variant[], pairs: number) {
  const samples = new Map<Target, Sample[]>(
    variants.flatMap((v) => [[v.http, []] as const, [v.floor, []] as const]),
  );
  const fired: number[] = [];
  for (let i = -1; i < pairs; i++) {
    const cidr = CIDRS[(i + 1) % 2] as string;
    for (const v of variants) {
      const gateway = await coldSample(stack, v.http, cidr);
      fired.push(await stack.settle(gateway.changeId, Date.now()));
      const base = await coldSample(stack, v.floor, cidr);
      if (i < 0) continue;
      samples.get(v.http)?.push(gateway);
      samples.get(v.floor)?.push(base);
    }
  }
  return { samples, fired };
}

/** One fresh environment of `target`, its first invocation the drop-in PATCH to `cidr`, then stopped. */
async function coldSample(
  stack: BenchStack,
  target: Target,
  cidr: string,
): Promise<Sample & { changeId: string }> {
  const { fn, readyWallMs, startedAt } = await stack.start(target.spec, target.codeDir);
  const mark = stack.io.mark();
  const outcome = await fn.invoke(stack.patchEvent(cidr));
  const answerWallMs = performance.now() - startedAt;
  await fn.stop();
  const { changeId } = checkedAnswer(`cold ${target.name}`, outcome);
  return {
    answerWallMs,
    readyWallMs,
    initMs: fn.initMs,
    invokeMs: outcome.durationMs,
    io: stack.io.since(mark),
    changeId,
  };
}

function summary(list: Sample[]): ColdSummary {
  return {
    answerWallMs: stats(list.map((s) => s.answerWallMs)),
    readyWallMs: stats(list.map((s) => s.readyWallMs)),
    initMs: stats(list.map((s) => s.initMs)),
    firstInvocationMs: stats(list.map((s) => s.invokeMs)),
    answerWallMsSamples: list.map((s) => round(s.answerWallMs, 1)),
  };
}

/** One variant's summaries, and whether every gateway request made the same calls as the floor's first. */
function variantDetails(v: Variant, samples: Map<Target, Sample[]>): ColdChangeVariant {
  const g = samples.get(v.http) ?? [];
  const f = samples.get(v.floor) ?? [];
  const gatewayIo = g[0]?.io ?? [];
  const floorIo = f[0]?.io ?? [];
  const same = g.every((s) => sameIo(s.io, gatewayIo)) && sameIo(gatewayIo, floorIo);
  return {
    label: v.label,
    gateway: summary(g),
    floor: summary(f),
    ioPerRequest: { gateway: tally(gatewayIo), floor: tally(floorIo), same },
  };
}

const COLD_CHANGE_GOAL = { on: "ratio", max: 1.3, text: "≤ 1.3×" } as const;

/** A figure of the gateway's cold change request beside the floor's. */
function vsFloor(
  id: string,
  label: string,
  unit: string,
  gateway: number,
  baseline: number,
  goal?: Goal,
): Figure {
  return figure({
    id,
    label,
    unit,
    gateway,
    baseline,
    baselineLabel: "floor handler",
    ...(goal ? { goal } : {}),
  });
}

function coldChangeFigures(first: ColdChangeVariant): Figure[] {
  const { gateway: g, floor: f } = first;
  const count = (io: Record<string, number>) => Object.values(io).reduce((a, b) => a + b, 0);
  const label = "cold change request";
  return [
    vsFloor(
      "coldChange.median",
      `${label}, spawn → answer, median`,
      "ms",
      g.answerWallMs.median,
      f.answerWallMs.median,
      COLD_CHANGE_GOAL,
    ),
    vsFloor("coldChange.p90", `${label}, spawn → answer, p90`, "ms", g.answerWallMs.p90, f.answerWallMs.p90),
    vsFloor(
      "coldChange.firstInvocation.median",
      `${label}, first invocation only, median`,
      "ms",
      g.firstInvocationMs.median,
      f.firstInvocationMs.median,
    ),
    vsFloor(
      "coldChange.ioCalls",
      `AWS + Atlas calls, ${label} (same kinds: ${first.ioPerRequest.same ? "yes" : "NO"})`,
      "calls",
      count(first.ioPerRequest.gateway),
      count(first.ioPerRequest.floor),
    ),
  ];
}
