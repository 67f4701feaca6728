import { execFile } from "node:child_process";
import { mkdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { type Figure, figure, round, stats } from "./report.js";

const run = promisify(execFile);

/** serverless.yml `custom.esbuild.banner.js`: ESM bundles of CommonJS dependencies need `require`. */
const BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The four Lambda entries of serverless.yml, and the Secrets Manager-only baseline. */
const HANDLERS = ["http", "recheck", "sweeper", "events"] as const;
const BASELINE = { name: "baseline", entry: "bench/baseline/secretsManagerOnly.ts" };

/** What `awsDeps()` needs at import (values shaped like the deployed ones; nothing is called at import). */
const HANDLER_ENV: Record<string, string> = {
  ATLAS_SECRET_ID: "atlas-peering-gateway/bench/atlas",
  CALLERS_SECRET_ID: "atlas-peering-gateway/bench/callers",
  CHANGES_TABLE: "atlas-peering-gateway-bench-changes",
  SCHEDULE_GROUP: "atlas-peering-gateway-bench",
  RECHECK_FUNCTION_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:x",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/x",
  RECHECK_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:x",
  EVENT_BUS_NAME: "atlas-peering-gateway-bench",
  POWERTOOLS_SERVICE_NAME: "atlas-peering-gateway",
  POWERTOOLS_LOG_LEVEL: "INFO",
  AWS_REGION: "eu-west-1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

/**
 * Runs in the fresh child: times `await import(bundle)` alone (not Node's own start-up) and prints the
 * milliseconds. It exits at once, so nothing a module starts can keep the process alive.
 */
const CHILD_SCRIPT =
  "const u=process.argv[1];const t=performance.now();await import(u);" +
  "process.stdout.write(String(performance.now()-t));process.exit(0);";

export interface BundleInfo {
  name: string;
  entry: string;
  file: string;
  bytes: number;
  /** Bytes each input contributes to the minified output, largest first. */
  inputs: { path: string; bytes: number }[];
  /** The same, summed per npm package (first-party code as "(gateway src)"). */
  packages: { name: string; bytes: number }[];
}

export interface ImportTimes {
  importMs: ReturnType<typeof stats>;
  /** Spawn to exit as the parent saw it: Node's start-up + the import + exit. */
  processMs: ReturnType<typeof stats>;
  samples: number[];
}

export interface ColdStartResult {
  figures: Figure[];
  details: {
    method: string;
    runs: number;
    env: Record<string, string>;
    bundles: (Omit<BundleInfo, "inputs" | "packages" | "file"> & {
      file: string;
      times: ImportTimes;
      topPackages: BundleInfo["packages"];
    })[];
    httpTopInputs: BundleInfo["inputs"];
    withSourceMaps: { nodeOptions: string; bundles: { name: string; times: ImportTimes }[] };
  };
}

/** Bundles one entry exactly as serverless.yml's serverless-esbuild settings do, with a metafile. */
async function bundle(root: string, outDir: string, name: string, entry: string): Promise<BundleInfo> {
  // serverless.yml builds with code splitting: modules loaded on first use (dynamic imports: the DynamoDB,
  // Scheduler and EventBridge adapters, undici) go to chunks that are neither parsed nor run at import.
  const dir = join(outDir, name);
  const file = join(dir, `${entry.split("/").at(-1)?.replace(/\.ts$/, "")}.mjs`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outdir: dir,
    splitting: true,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    minify: true,
    sourcemap: true,
    target: "node20",
    platform: "node",
    format: "esm",
    external: [],
    banner: { js: BANNER },
    metafile: true,
    logLevel: "silent",
  });
  const output = outputOf(result.metafile, root, file);
  const inputs = Object.entries(output.inputs)
    .map(([path, info]) => ({ path, bytes: info.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const byPackage = new Map<string, number>();
  for (const input of inputs) {
    const pkg = packageOf(input.path);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytes);
  }
  const packages = [...byPackage]
    .map(([pkg, bytes]) => ({ name: pkg, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
  return { name, entry, file, bytes: (await stat(file)).size, inputs, packages };
}

function outputOf(metafile: Metafile, root: string, file: string) {
  const key = relative(root, file).split("\\").join("/");
  const output = metafile.outputs[key];
  if (!output) throw new Error(`esbuild metafile has no output ${key}`);
  return output;
}

/** `node_modules/@scope/name/…` → `@scope/name` (the innermost node_modules wins); anything else is ours. */
function packageOf(path: string): string {
  const at = path.lastIndexOf("node_modules/");
  if (at < 0) return "(gateway src)";
  const parts = path.slice(at + "node_modules/".length).split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : (parts[0] ?? path);
}

/** One fresh `node` process importing the bundle; returns the import time it measured and its own wall time. */
async function importOnce(
  file: string,
  env: Record<string, string>,
): Promise<{ importMs: number; processMs: number }> {
  const started = performance.now();
  const { stdout } = await run(
    process.execPath,
    ["--input-type=module", "-e", CHILD_SCRIPT, pathToFileURL(file).href],
    {
      env,
      timeout: 60_000,
    },
  );
  const processMs = performance.now() - started;
  const importMs = Number(stdout.trim());
  if (!Number.isFinite(importMs))
    throw new Error(`child importing ${file} printed ${JSON.stringify(stdout)}`);
  return { importMs, processMs };
}

/**
 * Times every bundle `runs` times, round-robin (bundle A, B, C…, then again), so drift in the machine's load
 * spreads over all bundles alike. One discarded round first warms the disk cache and the node binary.
 */
async function timeImports(
  files: readonly { name: string; file: string }[],
  runs: number,
  env: Record<string, string>,
): Promise<Map<string, ImportTimes>> {
  const imports = new Map<string, number[]>(files.map((f) => [f.name, []]));
  const walls = new Map<string, number[]>(files.map((f) => [f.name, []]));
  for (let round = -1; round < runs; round++) {
    for (const { name, file } of files) {
      const sample = await importOnce(file, env);
      if (round < 0) continue;
      imports.get(name)?.push(sample.importMs);
      walls.get(name)?.push(sample.processMs);
    }
  }
  return new Map(
    files.map(({ name }) => {
      const samples = imports.get(name) ?? [];
      return [
        name,
        {
          importMs: stats(samples),
          processMs: stats(walls.get(name) ?? []),
          samples: samples.map((s) => round(s, 2)),
        },
      ];
    }),
  );
}

/** A clean child environment: no NODE_OPTIONS or loaders inherited from the tsx parent. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...HANDLER_ENV, ...extra };
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

const IMPORT_GOAL = { on: "ratio", max: 1.5, text: "≤ 1.5×" } as const;

/** Cold start: bundle sizes and fresh-process import times of each handler against the baseline bundle. */
export async function benchColdStart(options: {
  root: string;
  outDir: string;
  runs: number;
}): Promise<ColdStartResult> {
  await mkdir(options.outDir, { recursive: true });
  const bundles: BundleInfo[] = [];
  for (const name of HANDLERS)
    bundles.push(await bundle(options.root, options.outDir, name, `handlers/${name}.ts`));
  const baseline = await bundle(options.root, options.outDir, BASELINE.name, BASELINE.entry);
  const all = [...bundles, baseline];

  const env = childEnv();
  const times = await timeImports(all, options.runs, env);
  const sourceMapOptions = "--enable-source-maps";
  const http = bundles[0] as BundleInfo;
  const mapped = await timeImports(
    [http, baseline],
    options.runs,
    childEnv({ NODE_OPTIONS: sourceMapOptions }),
  );

  const base = times.get(baseline.name) as ImportTimes;
  const figures: Figure[] = [];
  for (const b of bundles) {
    const t = times.get(b.name) as ImportTimes;
    figures.push(
      figure({
        id: `coldStart.import.${b.name}`,
        label: `cold import, median: ${b.name}`,
        unit: "ms",
        gateway: t.importMs.median,
        baseline: base.importMs.median,
        baselineLabel: "SM-only",
        goal: IMPORT_GOAL,
      }),
    );
  }
  for (const b of bundles) {
    const t = times.get(b.name) as ImportTimes;
    figures.push(
      figure({
        id: `coldStart.importP90.${b.name}`,
        label: `cold import, p90: ${b.name}`,
        unit: "ms",
        gateway: t.importMs.p90,
        baseline: base.importMs.p90,
        baselineLabel: "SM-only",
      }),
    );
  }
  for (const b of bundles) {
    figures.push(
      figure({
        id: `coldStart.bytes.${b.name}`,
        label: `bundle size: ${b.name}`,
        unit: "B",
        gateway: b.bytes,
        baseline: baseline.bytes,
        baselineLabel: "SM-only",
      }),
    );
  }
  const mappedHttp = mapped.get(http.name) as ImportTimes;
  const mappedBase = mapped.get(baseline.name) as ImportTimes;
  figures.push(
    figure({
      id: "coldStart.importWithSourceMaps.http",
      label: "cold import, median, NODE_OPTIONS=--enable-source-maps: http",
      unit: "ms",
      gateway: mappedHttp.importMs.median,
      baseline: mappedBase.importMs.median,
      baselineLabel: "SM-only",
      goal: IMPORT_GOAL,
    }),
  );

  return {
    figures,
    details: {
      method:
        "esbuild bundle+minify+sourcemap+splitting, platform node, format esm, target node20, createRequire banner, nothing " +
        "external (serverless.yml custom.esbuild); each sample is a fresh `node` process timing `await import()` " +
        "with performance.now(); bundles are run round-robin after one discarded warm-up round.",
      runs: options.runs,
      env,
      bundles: all.map((b) => ({
        name: b.name,
        entry: b.entry,
        file: relative(options.root, b.file),
        bytes: b.bytes,
        times: times.get(b.name) as ImportTimes,
        topPackages: b.packages.slice(0, 15),
      })),
      httpTopInputs: http.inputs.slice(0, 10),
      withSourceMaps: {
        nodeOptions: sourceMapOptions,
        bundles: [
          { name: http.name, times: mappedHttp },
          { name: baseline.name, times: mappedBase },
        ],
      },
    },
  };
}
