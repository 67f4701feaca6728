import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { prepareVariant, type Variant } from "./artefact.js";
import { type Comparison, compare } from "./comparison.js";
import { buildPackage, readPackage } from "./packaging.js";
import { printout } from "./printout.js";
import { machine, round, writeReport } from "./report.js";
import {
  type ArtefactSections,
  type FollowUpSections,
  figuresOf,
  runArtefactSections,
  runFollowUp,
  runSourceLevel,
  type SourceLevelSections,
} from "./sections.js";

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
const builtFresh = !args.package;
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${round((performance.now() - started) / 1000, 1)} s] ${message}\n`);

const m = machine();
const loadAtStart = loadavg().map((l) => round(l, 2));
log(`node ${m.node}, ${m.cpus} × ${m.cpuModel}; load average ${loadAtStart.join(" ")}`);
const scratch = await mkdtemp(join(tmpdir(), "apg-bench-"));
const reportPath = resolve(args.report ?? join(root, "bench", "report.json"));

try {
  const variants = await prepareVariants();
  const [primary] = variants as [Variant, ...Variant[]];
  const sections = await runArtefactSections(variants, scratch, log);
  const followUp = await runFollowUp(primary, log);
  const sourceLevel = await runSourceLevel(log);
  const figures = figuresOf(sections, followUp, sourceLevel);
  const durationSeconds = (performance.now() - started) / 1000;
  const comparison = variants.length > 1 ? compare(variants, sections) : undefined;
  await writeReport(reportPath, {
    figures,
    durationSeconds,
    details: reportDetails(variants, sections, followUp, sourceLevel, comparison),
  });
  process.stdout.write(
    printout({
      variants,
      builtFresh,
      figures,
      sections,
      followUp,
      comparison,
      machine: m,
      loadAtStart,
      durationSeconds,
      reportPath,
    }),
  );
} finally {
  await rm(scratch, { recursive: true, force: true });
}

/** The packages under test: the one built fresh (or `--package`), and `--compare`'s; unzipped, baselines bundled. */
async function prepareVariants(): Promise<Variant[]> {
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
    const pkg = await readPackage(root, dir, i === 0 && builtFresh ? "serverless.yml" : "package");
    const label = `${i === 0 ? "A" : "B"} (splitting ${String(pkg.esbuild.splitting ?? false)})`;
    log(
      `${label}: ${dir}; esbuild options from ${pkg.esbuildFrom}; unzipping, bundling the floor and SM-only…`,
    );
    variants.push(await prepareVariant(root, pkg, label, join(scratch, `variant-${i}`)));
  }
  return variants;
}

/** What report.json holds beside the figures: the load, the packages, each section's method and samples. */
function reportDetails(
  variants: readonly Variant[],
  a: ArtefactSections,
  f: FollowUpSections,
  s: SourceLevelSections,
  comparison: Comparison | undefined,
): Record<string, unknown> {
  return {
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((l) => round(l, 2)) },
    packages: variants.map((v, i) => ({
      label: v.label,
      dir: i === 0 && builtFresh ? "(built fresh by scripts/package.sh, removed after the run)" : v.pkg.dir,
      esbuild: v.pkg.esbuild,
      esbuildFrom: v.pkg.esbuildFrom,
      functions: [...v.functions, v.floor, v.smOnly].map((t) => t.info),
    })),
    coldImport: a.coldImport.details,
    coldChange: a.coldChange.details,
    modulesLoadedByTheChangePath: a.modules.map((mod, i) => ({ label: variants[i]?.label, ...mod })),
    warm: a.warm.details,
    overhead: a.overhead.details,
    patchesPerChange: f.patches.details,
    refusedHour: f.refused.details,
    callbackDelay: f.callbacks.details,
    rateBudget: f.rateBudget.details,
    ...(comparison ? { comparison } : {}),
    atlasCalls: { sourceLevel: true, ...s.atlasCalls.details },
    acceptanceEvent: { sourceLevel: true, ...s.acceptanceEvent.details },
    secrets: { sourceLevel: true, ...s.secrets.details },
  };
}
