import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildPackage, prepareVariant, readPackage, type Variant } from "./artefact.js";
import { benchAtlasCalls } from "./atlasCalls.js";
import { type CallbackDelayResult, startCallbackDelay } from "./callbackDelay.js";
import { benchColdChange } from "./coldChange.js";
import { benchColdImport } from "./coldImport.js";
import { loadedModules, type ModulesResult } from "./modules.js";
import { benchOverhead } from "./overhead.js";
import { benchPatchesPerChange } from "./patchesPerChange.js";
import { benchRefusedHour } from "./refusedHour.js";
import { type Figure, machine, renderTable, round, writeReport } from "./report.js";
import { Rig } from "./rig.js";
import { benchSecrets } from "./secrets.js";
import { startBenchStack } from "./stack.js";
import { benchWarm } from "./warm.js";

/**
 * `npm run bench [-- --package <dir>] [-- --compare <dir>] [-- --report <file>]`: measures the artefact users
 * deploy — the zips `npm run package` builds — each figure beside its baseline measured in the same run.
 * Without `--package` it builds a fresh package first (scripts/package.sh into a temporary folder). With
 * `--compare <dir>` a second package is measured interleaved with the first (cold import, cold change, warm) and
 * printed side by side. Prints a table and writes bench/report.json (or `--report`). Sections run one after
 * another so they do not disturb each other's timings.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: { package: { type: "string" }, compare: { type: "string" }, report: { type: "string" } },
  allowPositionals: false,
});
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${round((performance.now() - started) / 1000, 1)} s] ${message}\n`);

const m = machine();
const loadAtStart = loadavg().map((l) => round(l, 2));
log(`node ${m.node}, ${m.cpus} × ${m.cpuModel}; load average ${loadAtStart.join(" ")}`);
const scratch = await mkdtemp(join(tmpdir(), "apg-bench-"));
const reportPath = resolve(args.report ?? join(root, "bench", "report.json"));

try {
  let packageDir: string;
  if (args.package) {
    packageDir = resolve(args.package);
    log(`measuring the package in ${packageDir}`);
  } else {
    packageDir = join(scratch, "package");
    log("building the package (bash scripts/package.sh --package <tmp>, ~10 s)…");
    await buildPackage(root, packageDir);
  }
  const dirs = [packageDir, ...(args.compare ? [resolve(args.compare)] : [])];
  const variants: Variant[] = [];
  for (const [i, dir] of dirs.entries()) {
    const pkg = await readPackage(root, dir, i === 0 && !args.package ? "serverless.yml" : "package");
    const label = `${i === 0 ? "A" : "B"} (splitting ${String(pkg.esbuild.splitting ?? false)})`;
    log(
      `${label}: ${dir}; esbuild options from ${pkg.esbuildFrom}; unzipping, bundling the floor and SM-only…`,
    );
    variants.push(await prepareVariant(root, pkg, label, join(scratch, `variant-${i}`)));
  }
  const [primary] = variants as [Variant, ...Variant[]];

  const stack = await startBenchStack(primary.pkg);
  stack.setRecheckDir(primary.recheck.codeDir);
  let sections: {
    coldImport: Awaited<ReturnType<typeof benchColdImport>>;
    coldChange: Awaited<ReturnType<typeof benchColdChange>>;
    modules: ModulesResult[];
    warm: Awaited<ReturnType<typeof benchWarm>>;
    overhead: Awaited<ReturnType<typeof benchOverhead>>;
  };
  try {
    log("cold import: a fresh environment per sample, round-robin, 11 rounds + 1 warm-up…");
    const coldImport = await benchColdImport(stack, variants, { runs: 11 });
    log("cold change request: gateway and floor in alternation, 11 pairs + 1 warm-up…");
    const coldChange = await benchColdChange(stack, variants, { pairs: 11 });
    log("modules the change path loads (one untimed environment with a loader hook)…");
    const modules: ModulesResult[] = [];
    for (const [i, v] of variants.entries()) {
      const dir = join(scratch, `modules-${i}`);
      await mkdir(dir, { recursive: true });
      modules.push(await loadedModules(stack, v.http, dir));
    }
    log("warm: 100 change requests in one environment, gateway and floor in alternation…");
    const warm = await benchWarm(stack, variants, { invocations: 100 });
    log("request overhead: gateway vs direct digest PATCH, Atlas answering after 100 ms…");
    const overhead = await benchOverhead(stack, primary.http, {
      requests: 100,
      warmup: 5,
      atlasLatencyMs: 100,
    });
    sections = { coldImport, coldChange, modules, warm, overhead };
  } finally {
    await stack.close();
  }

  // §6 on stand-ins of its own: the earlier sections leave records behind (the floor's stay in the due index
  // for ever) that a sweeper would re-check, and the simulator's peers and logs as they left them.
  const followUpStack = await startBenchStack(primary.pkg);
  followUpStack.setRecheckDir(primary.recheck.codeDir);
  let followUp: {
    patches: Awaited<ReturnType<typeof benchPatchesPerChange>>;
    refused: Awaited<ReturnType<typeof benchRefusedHour>>;
    callbacks: CallbackDelayResult;
  };
  try {
    log(
      "follow-up (fresh stand-ins): re-checks calling back a host that never answers, 3 left waiting ≤ 60 s…",
    );
    const rig = new Rig(followUpStack, primary);
    const callbackRun = await startCallbackDelay(rig, {
      requests: 10,
      rechecks: 3,
      rounds: 3,
      streamBytes: 300 * 2 ** 20,
    });
    let patches: Awaited<ReturnType<typeof benchPatchesPerChange>>;
    let refused: Awaited<ReturnType<typeof benchRefusedHour>>;
    try {
      log(
        "…PATCHes per change under Atlas faults; while (c) waits on a slow Atlas, 10 change requests call back…",
      );
      patches = await benchPatchesPerChange(rig, {
        duplicates: 20,
        meanwhile: async () => {
          await callbackRun.requests();
          log("…change requests with the hanging callback started; the other fault scenarios next…");
        },
      });
      log("…a change Atlas refuses with 503, for 24 h on the recheck function's controlled clock…");
      refused = await benchRefusedHour(rig, { hours: 24 });
      log("…waiting for the hanging callbacks' timeouts (and the 300 MiB callback body)…");
    } catch (error) {
      await callbackRun.finish().catch(() => undefined);
      throw error;
    }
    followUp = { patches, refused, callbacks: await callbackRun.finish() };
  } finally {
    await followUpStack.close();
  }

  log("source-level, simulated clock: Atlas calls per settled change, Secrets Manager cache…");
  const atlasCalls = benchAtlasCalls();
  const secrets = await benchSecrets();
  const { coldImport, coldChange, modules, warm, overhead } = sections;
  const { patches, refused, callbacks } = followUp;

  const figures: Figure[] = [
    ...coldChange.figures,
    ...coldImport.figures,
    ...warm.figures,
    ...overhead.figures,
    ...patches.figures,
    ...refused.figures,
    ...callbacks.figures,
    ...atlasCalls.figures.map(sourceLevel),
    ...secrets.figures.map(sourceLevel),
  ];
  const durationSeconds = (performance.now() - started) / 1000;
  const comparison = variants.length > 1 ? compare(variants, sections) : undefined;
  await writeReport(reportPath, {
    figures,
    durationSeconds,
    details: {
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((l) => round(l, 2)) },
      packages: variants.map((v, i) => ({
        label: v.label,
        dir:
          i === 0 && !args.package ? "(built fresh by scripts/package.sh, removed after the run)" : v.pkg.dir,
        esbuild: v.pkg.esbuild,
        esbuildFrom: v.pkg.esbuildFrom,
        functions: [...v.functions, v.floor, v.smOnly].map((t) => t.info),
      })),
      coldImport: coldImport.details,
      coldChange: coldChange.details,
      modulesLoadedByTheChangePath: modules.map((mod, i) => ({ label: variants[i]?.label, ...mod })),
      warm: warm.details,
      overhead: overhead.details,
      patchesPerChange: patches.details,
      refusedHour: refused.details,
      callbackDelay: callbacks.details,
      ...(comparison ? { comparison } : {}),
      atlasCalls: { sourceLevel: true, ...atlasCalls.details },
      secrets: { sourceLevel: true, ...secrets.details },
    },
  });

  const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
  const ms = (value: number) => `${round(value, 1)}`;
  const mib = (bytes: number) => `${round(bytes / 2 ** 20, 1)} MiB`;
  const out: string[] = [];
  for (const [i, v] of variants.entries()) {
    const where = i === 0 && !args.package ? "built fresh by scripts/package.sh" : v.pkg.dir;
    out.push(`Package ${v.label}: ${where}${i === 0 ? " (the table's figures)" : ""}`);
  }
  out.push("", renderTable(figures));
  for (const [i, v] of variants.entries()) {
    out.push(
      "",
      `── ${v.label} ──`,
      "Per function (unzipped; floor and SM-only bundled with the same esbuild options):",
    );
    for (const f of coldImport.details.variants[i]?.functions ?? []) {
      const zip = f.info.zipBytes === undefined ? "" : `zip ${kb(f.info.zipBytes)}, `;
      out.push(
        `  ${f.name.padEnd(8)} ${zip}entry ${kb(f.info.entryBytes)}, ${f.info.modules} .mjs = ${kb(f.info.moduleBytes)}; ` +
          `init median ${ms(f.initMs.median)} p90 ${ms(f.initMs.p90)} ms; spawn→ready median ${ms(f.readyWallMs.median)} ms`,
      );
    }
    const cold = coldChange.details.variants[i];
    if (cold) {
      const row = (name: string, s: typeof cold.gateway) =>
        `  ${name.padEnd(8)} ${ms(s.readyWallMs.median)} / ${ms(s.initMs.median)} / ${ms(s.firstInvocationMs.median)} / ` +
        `${ms(s.answerWallMs.median)} (p90 ${ms(s.answerWallMs.p90)})`;
      out.push(
        "Cold change request (medians, ms): spawn→ready / init / first invocation / spawn→answer",
        row("gateway", cold.gateway),
        row("floor", cold.floor),
        `  I/O of one cold change request (same kinds and counts as the floor: ${cold.ioPerRequest.same ? "yes" : "NO"}):`,
        ...Object.entries(cold.ioPerRequest.gateway).map(
          ([kind, count]) => `    ${count} × ${kind} (floor: ${cold.ioPerRequest.floor[kind] ?? 0})`,
        ),
      );
    }
    const mod = modules[i];
    if (mod) {
      const never = mod.bytes.inPackage - mod.bytes.atImport - mod.bytes.byFirstPatch;
      out.push(
        `Files of http.zip the change path loads: ${mod.atImport.length} at import (${kb(mod.bytes.atImport)}), ` +
          `${mod.byFirstPatch.length} more on the first PATCH (${kb(mod.bytes.byFirstPatch)}), ` +
          `${mod.neverLoaded} never (${kb(never)})`,
        ...mod.byFirstPatch.map((f) => `    + ${kb(f.bytes).padStart(9)}  ${f.file}`),
      );
    }
    const w = warm.details.variants[i];
    if (w) {
      out.push(
        `Warm (ms, ${warm.details.invocations} requests): gateway median ${ms(w.gateway.wallMs.median)} p99 ` +
          `${ms(w.gateway.wallMs.p99)} (handler ${ms(w.gateway.handlerMs.median)}), RSS ${mib(w.gateway.rssBytes)}; ` +
          `floor median ${ms(w.floor.wallMs.median)} p99 ${ms(w.floor.wallMs.p99)} ` +
          `(handler ${ms(w.floor.handlerMs.median)}), RSS ${mib(w.floor.rssBytes)}`,
        `  I/O per warm request, gateway: ${JSON.stringify(w.gateway.ioPerWarmRequest)}`,
        `  I/O per warm request, floor:   ${JSON.stringify(w.floor.ioPerWarmRequest)}`,
      );
    }
  }
  out.push(
    "",
    `Overhead, Atlas answering PATCH after 100 ms (ms): gateway ${JSON.stringify(overhead.details.gatewayMs)}`,
    `  direct ${JSON.stringify(overhead.details.directMs)}`,
  );
  out.push(
    "",
    "PATCHes per change (sent / digest 401 / refused by the fault / applied / answers lost; how it ended):",
  );
  for (const sc of patches.details.scenarios) {
    const c = sc.count;
    out.push(
      c
        ? `  (${sc.key}) ${sc.label}: ${c.sent} / ${c.challenges} / ${c.refused} / ${c.applied} / ${c.answersLost}; ` +
            `answer ${sc.answerStatus}; re-checks ${sc.end?.rechecks.join(" → ") || "none"} ⇒ ${sc.end?.state}` +
            (sc.notes?.duplicateOutcomes ? `; deliveries ${JSON.stringify(sc.notes.duplicateOutcomes)}` : "")
        : `  (${sc.key}) ${sc.label}: not measured: ${sc.notMeasured}`,
    );
  }
  const rh = refused.details as Record<string, unknown>;
  out.push(
    `Refused with 503 (controlled clock, ${String(rh.hours)} h): the request sent ${String(rh.requestPatches)} PATCH, ` +
      `then ${String(rh.rechecks)} re-checks, ${String(rh.resends)} re-sending ${String(rh.patchesPerResend)} PATCH each ` +
      `(${String(rh.resendsPerHourLater)} re-sends/h after the first hour; ${String(rh.getsPerHourLater)} GETs/h); stopped: ${String(rh.stoppedBecause)}`,
  );
  const cd = callbacks.details as {
    requestMs: Record<string, unknown>;
    recheckMs: Record<string, unknown>;
    timedOut: Record<string, number>;
    memory: { without: { peakMiB: number }; with: { peakMiB: number; requestMs: number; timedOut: boolean } };
  };
  out.push(
    `Callback host never answers (ms): request ${JSON.stringify(cd.requestMs)}`,
    `  re-check ${JSON.stringify(cd.recheckMs)}; timed out ${JSON.stringify(cd.timedOut)}`,
    `  300 MiB callback body: peak RSS ${cd.memory.with.peakMiB} MiB vs ${cd.memory.without.peakMiB} MiB without ` +
      `(request ${cd.memory.with.requestMs} ms${cd.memory.with.timedOut ? ", timed out" : ""})`,
  );
  if (comparison) {
    out.push("", "Side by side (same run, interleaved):", renderComparison(comparison));
  }
  const failed = figures.filter((f) => f.met === false);
  out.push(
    "",
    failed.length === 0 ? "All goals met." : `Goals NOT met: ${failed.map((f) => f.id).join(", ")}`,
    `Machine: node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}); load average (1/5/15 min) at start ` +
      `${loadAtStart.join(" ")}, at end ${loadavg()
        .map((l) => round(l, 2))
        .join(" ")}. ` +
      `Total ${round(durationSeconds, 1)} s. Report: ${reportPath}`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

/** The simulated-clock sections run on the TypeScript source: labelled so, secondary to the artefact figures. */
function sourceLevel(f: Figure): Figure {
  return { ...f, label: `[source, simulated clock] ${f.label}` };
}

interface ComparisonRow {
  figure: string;
  unit: string;
  values: number[];
}

/** The figures that decide between two packages (e.g. splitting on and off), one value per variant. */
function compare(
  variants: readonly Variant[],
  s: {
    coldImport: Awaited<ReturnType<typeof benchColdImport>>;
    coldChange: Awaited<ReturnType<typeof benchColdChange>>;
    modules: ModulesResult[];
    warm: Awaited<ReturnType<typeof benchWarm>>;
  },
): { labels: string[]; rows: ComparisonRow[] } {
  const each = (pick: (i: number) => number | undefined) => variants.map((_, i) => pick(i) ?? Number.NaN);
  const fn = (i: number, name: string) =>
    s.coldImport.details.variants[i]?.functions.find((f) => f.name === name);
  const cold = (i: number) => s.coldChange.details.variants[i];
  const warm = (i: number) => s.warm.details.variants[i];
  const rows: ComparisonRow[] = [
    { figure: "http.zip size", unit: "KB", values: each((i) => (fn(i, "http")?.info.zipBytes ?? 0) / 1024) },
    ...["http", "recheck", "events", "sweeper"].map((name) => ({
      figure: `cold import (init), median: ${name}`,
      unit: "ms",
      values: each((i) => fn(i, name)?.initMs.median),
    })),
    {
      figure: "cold import, spawn → ready, median: http",
      unit: "ms",
      values: each((i) => fn(i, "http")?.readyWallMs.median),
    },
    { figure: "floor handler, init, median", unit: "ms", values: each((i) => fn(i, "floor")?.initMs.median) },
    {
      figure: "code loaded by the change path (import + first PATCH)",
      unit: "KB",
      values: each(
        (i) => ((s.modules[i]?.bytes.atImport ?? 0) + (s.modules[i]?.bytes.byFirstPatch ?? 0)) / 1024,
      ),
    },
    {
      figure: "cold change, spawn → answer, median",
      unit: "ms",
      values: each((i) => cold(i)?.gateway.answerWallMs.median),
    },
    {
      figure: "cold change, spawn → answer, p90",
      unit: "ms",
      values: each((i) => cold(i)?.gateway.answerWallMs.p90),
    },
    {
      figure: "cold change, first invocation, median",
      unit: "ms",
      values: each((i) => cold(i)?.gateway.firstInvocationMs.median),
    },
    {
      figure: "floor, cold change, spawn → answer, median",
      unit: "ms",
      values: each((i) => cold(i)?.floor.answerWallMs.median),
    },
    {
      figure: "cold change ÷ its floor (goal ≤ 1.3×)",
      unit: "×",
      values: each(
        (i) => (cold(i)?.gateway.answerWallMs.median ?? 0) / (cold(i)?.floor.answerWallMs.median ?? 1),
      ),
    },
    {
      figure: "warm change request, median",
      unit: "ms",
      values: each((i) => warm(i)?.gateway.wallMs.median),
    },
    { figure: "warm change request, p99", unit: "ms", values: each((i) => warm(i)?.gateway.wallMs.p99) },
    {
      figure: "RSS after 100 warm requests",
      unit: "MiB",
      values: each((i) => (warm(i)?.gateway.rssBytes ?? 0) / 2 ** 20),
    },
  ];
  return { labels: variants.map((v) => v.label), rows };
}

function renderComparison(c: { labels: string[]; rows: ComparisonRow[] }): string {
  const header = ["figure", ...c.labels, ...(c.labels.length === 2 ? ["B / A"] : [])];
  const rows = c.rows.map((r) => [
    r.figure,
    ...r.values.map((v) => `${round(v, 2)} ${r.unit}`),
    ...(r.values.length === 2 ? [`${round((r.values[1] ?? 0) / (r.values[0] ?? 1), 2)}×`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
