import type { CodeInfo, Target, Variant } from "./artefact.js";
import { type Figure, figure, round, stats } from "./report.js";
import type { BenchStack } from "./stack.js";

type Stats = ReturnType<typeof stats>;

export interface ImportTimes {
  name: string;
  info: CodeInfo;
  initMs: Stats;
  readyWallMs: Stats;
  initSamples: number[];
}

export interface ColdImportResult {
  figures: Figure[];
  details: {
    method: string;
    runs: number;
    variants: { label: string; functions: ImportTimes[] }[];
  };
}

const IMPORT_GOAL = { on: "ratio", max: 1.5, text: "≤ 1.5×" } as const;
const SOURCE_MAPS = "--enable-source-maps";

/**
 * Cold import of each packaged function: a fresh execution environment (local/lambda/runtime.ts: a new Node
 * process in the unzipped package, Lambda's environment only) per sample, stopped as soon as the handler module
 * is loaded. `initMs` is the module load the runner times inside the process (Lambda's Init duration);
 * `readyWallMs` runs from before the spawn to the ready message (Node's own start-up included). Round-robin over
 * every function and baseline of every variant, `runs` rounds after one discarded warm-up round. Figures are
 * the first variant's; the others (`--compare`) are in the details.
 */
export async function benchColdImport(
  stack: BenchStack,
  variants: readonly Variant[],
  options: { runs: number },
): Promise<ColdImportResult> {
  const first = variants[0];
  if (!first) throw new Error("no package to measure");
  // serverless.yml leaves NODE_OPTIONS=--enable-source-maps out for its cold-start cost: measured here too.
  const mapped: Target = { ...first.http, name: "http+source-maps" };
  const queue = [...variants.flatMap((v) => [...v.functions, v.floor, v.smOnly]), mapped];
  const timesOf = await sampleImports(stack, queue, mapped, options.runs);
  const details = variants.map((v) => ({
    label: v.label,
    functions: [...v.functions, v.floor, v.smOnly, ...(v === first ? [mapped] : [])].map(timesOf),
  }));
  return {
    figures: importFigures(first, mapped, timesOf),
    details: { method: methodOf(options.runs), runs: options.runs, variants: details },
  };
}

/** Round-robin over `queue`, `runs` rounds after one discarded warm-up round; each target's times, summarised. */
async function sampleImports(
  stack: BenchStack,
  queue: readonly Target[],
  mapped: Target,
  runs: number,
): Promise<(t: Target) => ImportTimes> {
  const env = (t: Target) => (t === mapped ? { NODE_OPTIONS: SOURCE_MAPS } : {});
  const init = new Map<Target, number[]>(queue.map((t) => [t, []]));
  const wall = new Map<Target, number[]>(queue.map((t) => [t, []]));
  for (let round = -1; round < runs; round++) {
    for (const target of queue) {
      const { fn, readyWallMs } = await stack.start(target.spec, target.codeDir, env(target));
      await fn.stop();
      if (round < 0) continue;
      init.get(target)?.push(fn.initMs);
      wall.get(target)?.push(readyWallMs);
    }
  }
  return (t: Target): ImportTimes => ({
    name: t.name,
    info: t.info,
    initMs: stats(init.get(t) ?? []),
    readyWallMs: stats(wall.get(t) ?? []),
    initSamples: (init.get(t) ?? []).map((v) => round(v, 2)),
  });
}

/** Every packaged function against the SM-only baseline; then http.zip's p90, wall time, source maps, floor. */
function importFigures(first: Variant, mapped: Target, timesOf: (t: Target) => ImportTimes): Figure[] {
  const base = timesOf(first.smOnly);
  const floor = timesOf(first.floor);
  const figures = first.functions.map(timesOf).map((f) =>
    figure({
      id: `coldImport.initMs.${f.name}`,
      label: `cold import (init), median: ${f.name}.zip`,
      unit: "ms",
      gateway: f.initMs.median,
      baseline: base.initMs.median,
      baselineLabel: "SM-only handler",
      goal: IMPORT_GOAL,
    }),
  );
  figures.push(...httpFigures(timesOf(first.http), base, floor, timesOf(mapped)));
  return figures;
}

function httpFigures(
  http: ImportTimes,
  base: ImportTimes,
  floor: ImportTimes,
  mapped: ImportTimes,
): Figure[] {
  return [
    figure({
      id: "coldImport.initMsP90.http",
      label: "cold import (init), p90: http.zip",
      unit: "ms",
      gateway: http.initMs.p90,
      baseline: base.initMs.p90,
      baselineLabel: "SM-only handler",
    }),
    figure({
      id: "coldImport.readyWallMs.http",
      label: "cold import, spawn → ready, median: http.zip",
      unit: "ms",
      gateway: http.readyWallMs.median,
      baseline: base.readyWallMs.median,
      baselineLabel: "SM-only handler",
    }),
    figure({
      id: "coldImport.initMs.http.withSourceMaps",
      label: `cold import (init), median, NODE_OPTIONS=${SOURCE_MAPS}: http.zip`,
      unit: "ms",
      gateway: mapped.initMs.median,
      baseline: http.initMs.median,
      baselineLabel: "http.zip without",
    }),
    figure({
      id: "coldImport.initMs.http.vsFloor",
      label: "cold import (init), median: http.zip vs the floor",
      unit: "ms",
      gateway: http.initMs.median,
      baseline: floor.initMs.median,
      baselineLabel: "floor handler",
    }),
  ];
}

function methodOf(runs: number): string {
  return (
    "Each sample: startLambda (local/lambda/runtime.ts) on the unzipped package — a fresh node process in the " +
    "function's folder with only Lambda's environment + the function's (template) + the local endpoints — " +
    "then stop() as soon as the handler module is loaded. initMs = module load timed inside the process " +
    "(runner.mjs); readyWallMs = spawn → ready message. Round-robin over the functions, the two baselines and " +
    `http.zip once more with NODE_OPTIONS=${SOURCE_MAPS} (what serverless.yml leaves out), ` +
    `${runs} rounds after one discarded warm-up round.`
  );
}
