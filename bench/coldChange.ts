import type { Target, Variant } from "./artefact.js";
import { type Figure, figure, round, stats } from "./report.js";
import { type BenchStack, checkedAnswer, sameIo, tally } from "./stack.js";

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
  const samples = new Map<Target, Sample[]>(
    variants.flatMap((v) => [[v.http, []] as const, [v.floor, []] as const]),
  );
  const fired: number[] = [];
  const once = async (target: Target, cidr: string): Promise<Sample & { changeId: string }> => {
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
  };
  for (let i = -1; i < options.pairs; i++) {
    const cidr = CIDRS[(i + 1) % 2] as string;
    for (const v of variants) {
      const gateway = await once(v.http, cidr);
      fired.push(await stack.settle(gateway.changeId, Date.now()));
      const base = await once(v.floor, cidr);
      if (i < 0) continue;
      samples.get(v.http)?.push(gateway);
      samples.get(v.floor)?.push(base);
    }
  }
  const summary = (list: Sample[]): ColdSummary => ({
    answerWallMs: stats(list.map((s) => s.answerWallMs)),
    readyWallMs: stats(list.map((s) => s.readyWallMs)),
    initMs: stats(list.map((s) => s.initMs)),
    firstInvocationMs: stats(list.map((s) => s.invokeMs)),
    answerWallMsSamples: list.map((s) => round(s.answerWallMs, 1)),
  });
  const details = variants.map((v): ColdChangeVariant => {
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
  });
  const first = details[0];
  if (!first) throw new Error("no package to measure");
  const { gateway: g, floor: f } = first;
  const count = (io: Record<string, number>) => Object.values(io).reduce((a, b) => a + b, 0);
  const figures = [
    figure({
      id: "coldChange.median",
      label: "cold change request, spawn → answer, median",
      unit: "ms",
      gateway: g.answerWallMs.median,
      baseline: f.answerWallMs.median,
      baselineLabel: "floor handler",
      goal: { on: "ratio", max: 1.3, text: "≤ 1.3×" },
    }),
    figure({
      id: "coldChange.p90",
      label: "cold change request, spawn → answer, p90",
      unit: "ms",
      gateway: g.answerWallMs.p90,
      baseline: f.answerWallMs.p90,
      baselineLabel: "floor handler",
    }),
    figure({
      id: "coldChange.firstInvocation.median",
      label: "cold change request, first invocation only, median",
      unit: "ms",
      gateway: g.firstInvocationMs.median,
      baseline: f.firstInvocationMs.median,
      baselineLabel: "floor handler",
    }),
    figure({
      id: "coldChange.ioCalls",
      label: `AWS + Atlas calls, cold change request (same kinds: ${first.ioPerRequest.same ? "yes" : "NO"})`,
      unit: "calls",
      gateway: count(first.ioPerRequest.gateway),
      baseline: count(first.ioPerRequest.floor),
      baselineLabel: "floor handler",
    }),
  ];
  return {
    figures,
    details: {
      method:
        "Pairs in alternation (gateway, floor), one discarded warm-up pair. Each sample: startLambda on the unzipped " +
        "package (fresh node process), then invoke() with the API Gateway v2 event of a drop-in PATCH " +
        "/api/atlas/v2/groups/{g}/peers/{awsPeer} (Bearer token, v2 media type, the peer's writable fields with " +
        "a CIDR it does not have), then stop(). answerWallMs = before the spawn → the invocation's result. The " +
        "gateway's change is then settled, untimed: its CreateSchedule'd re-check is fired and runs in the " +
        "packaged recheck function (warm), which sees the peer AVAILABLE and releases the peering lock.",
      pairs: options.pairs,
      variants: details,
      reChecksFiredPerSettle: fired,
    },
  };
}
