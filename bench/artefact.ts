import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type BuildOptions, build } from "esbuild";
import { type FunctionSpec, functionsOf } from "../local/lambda/functions.js";
import { unpack } from "../local/lambda/runtime.js";
import { readTemplate, type Template } from "../local/lambda/template.js";

const run = promisify(execFile);

/** What `npm run package` produced: the template, its functions and the folder holding the zips. */
export interface Package {
  dir: string;
  template: Template;
  specs: FunctionSpec[];
  /** `custom.esbuild` as the package was built with it (serverless-state.json), else serverless.yml's. */
  esbuild: Record<string, unknown>;
  esbuildFrom: string;
}

/**
 * Builds the deployable package exactly as users get it (`bash scripts/package.sh --package <dir>`: the four
 * zips and the CloudFormation template). serverless-esbuild works in `.esbuild/` of the service folder, so
 * never run two of these at once in one checkout.
 */
export async function buildPackage(root: string, dir: string): Promise<void> {
  await run("bash", ["scripts/package.sh", "--package", dir], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
}

/**
 * Reads a package folder. The esbuild options the floor and the SM-only baseline are bundled with: for a package
 * this run built (`from: "serverless.yml"`), the checkout's serverless.yml `custom.esbuild`, checked against the
 * package's serverless-state.json (serverless's resolved copy); for a package given with `--package` /
 * `--compare` (`from: "package"`), its serverless-state.json — the options that package was built with, possibly
 * in another checkout — else serverless.yml's.
 */
export async function readPackage(
  root: string,
  dir: string,
  from: "serverless.yml" | "package",
): Promise<Package> {
  const template = await readTemplate(join(dir, "cloudformation-template-update-stack.json"));
  const specs = functionsOf(template);
  const yml = join(root, "serverless.yml");
  const fromYml = esbuildBlockOf(await readFile(yml, "utf8"));
  const statePath = join(dir, "serverless-state.json");
  const state = await readFile(statePath, "utf8").then(
    (text) =>
      (JSON.parse(text) as { service?: { custom?: { esbuild?: Record<string, unknown> } } }).service?.custom
        ?.esbuild,
    () => undefined,
  );
  if (from === "package" && state) return { dir, template, specs, esbuild: state, esbuildFrom: statePath };
  if (from === "serverless.yml" && state && JSON.stringify(state) !== JSON.stringify(fromYml)) {
    throw new Error(
      `serverless.yml custom.esbuild reads ${JSON.stringify(fromYml)}, but the package was built with ${JSON.stringify(state)}`,
    );
  }
  return { dir, template, specs, esbuild: fromYml, esbuildFrom: yml };
}

/**
 * `custom.esbuild` of serverless.yml: a small reader for that block only (scalars, quoted strings, `[]` and
 * nested maps, which is all the block holds). Throws on anything else rather than guess.
 */
export function esbuildBlockOf(yaml: string): Record<string, unknown> {
  const lines = yaml.split("\n");
  const start = lines.findIndex(
    (line, i) => /^ {2}esbuild:\s*$/.test(line) && /^custom:/.test(lines[i - 1] ?? ""),
  );
  if (start < 0) throw new Error("serverless.yml has no custom.esbuild block");
  const root: Record<string, unknown> = {};
  const stack: { indent: number; map: Record<string, unknown> }[] = [{ indent: 2, map: root }];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const indent = line.length - line.trimStart().length;
    if (indent <= 2) break;
    while ((stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    const match = /^\s*([\w-]+):\s*(.*?)\s*$/.exec(line);
    const parent = stack.at(-1);
    if (!match?.[1] || !parent)
      throw new Error(`serverless.yml custom.esbuild: cannot read ${JSON.stringify(line)}`);
    const [, key, raw = ""] = match;
    if (raw === "") {
      const map: Record<string, unknown> = {};
      parent.map[key] = map;
      stack.push({ indent, map });
    } else parent.map[key] = scalar(raw);
  }
  return root;
}

function scalar(raw: string): unknown {
  if (raw === "[]") return [];
  if (raw === "true" || raw === "false") return raw === "true";
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (/^".*"$/.test(raw)) return JSON.parse(raw);
  if (/^'.*'$/.test(raw)) return raw.slice(1, -1).replace(/''/g, "'");
  if (/^[\w./@-]+$/.test(raw)) return raw;
  throw new Error(`serverless.yml custom.esbuild: cannot read the value ${raw}`);
}

/** The plugin's own keys, which serverless-esbuild removes before calling esbuild (its bundle.ts). */
const PLUGIN_KEYS = [
  "concurrency",
  "zipConcurrency",
  "exclude",
  "nativeZip",
  "packager",
  "packagePath",
  "watch",
  "keepOutputDirectory",
  "packagerOptions",
  "installExtraArgs",
  "outputFileExtension",
  "outputBuildFolder",
  "outputWorkFolder",
  "nodeExternals",
  "skipBuild",
  "skipRebuild",
  "skipBuildExcludeFns",
  "stripEntryResolveExtensions",
  "disposeContext",
];

/**
 * The esbuild options serverless-esbuild derives from `custom.esbuild` (its defaults, then the block; the
 * plugin's keys removed, `exclude` added to `external`, `outputFileExtension` as `outExtension`), for one entry,
 * written to `outdir` = `<dir>/<the entry's folder>` as the plugin does.
 */
export function esbuildOptionsFor(custom: Record<string, unknown>, entry: string, dir: string): BuildOptions {
  const merged: Record<string, unknown> = {
    bundle: true,
    platform: "node",
    outputFileExtension: ".js",
    ...custom,
  };
  const esbuildOnly = Object.fromEntries(
    Object.entries(merged).filter(([key]) => !PLUGIN_KEYS.includes(key)),
  );
  const exclude = Array.isArray(merged.exclude) ? (merged.exclude as string[]) : [];
  const external = Array.isArray(merged.external) ? (merged.external as string[]) : [];
  const extension = String(merged.outputFileExtension);
  return {
    ...(esbuildOnly as BuildOptions),
    external: [...external, ...(exclude.includes("*") ? [] : exclude)],
    ...(extension === ".js" ? {} : { outExtension: { ".js": extension } }),
    entryPoints: [entry],
    outdir: join(dir, dirname(entry)),
    logLevel: "silent",
  };
}

/**
 * Bundles a bench handler (the floor, the Secrets Manager-only baseline) with the package's esbuild options
 * into `dir`, laid out like an unzipped package (`<dir>/bench/baseline/<name>.mjs` + chunks + maps), and
 * returns it as a function to start: the http function's spec, with this handler and name.
 */
export async function buildBaseline(
  root: string,
  pkg: Package,
  entry: string,
  key: string,
  dir: string,
): Promise<Target> {
  const options = esbuildOptionsFor(pkg.esbuild, entry, dir);
  await build({ ...options, absWorkingDir: root });
  const http = pkg.specs.find((spec) => spec.key === "http");
  if (!http) throw new Error("the package has no http function");
  const spec: FunctionSpec = {
    ...http,
    key,
    logicalId: `${key}BenchFunction`,
    functionName: http.functionName.replace(/-http$/, `-${key}`),
    arn: http.arn.replace(/-http$/, `-${key}`),
    handler: `${entry.replace(/\.ts$/, "")}.handler`,
    zip: "(bench-built, not zipped)",
  };
  return { name: key, spec, codeDir: dir, info: await codeInfo(key, dir, spec.handler) };
}

/** One function to start: a packaged one (unzipped) or a bench baseline laid out the same way. */
export interface Target {
  name: string;
  spec: FunctionSpec;
  codeDir: string;
  info: CodeInfo;
}

/**
 * One package under test: its four functions unzipped, and the floor and the Secrets Manager-only baseline
 * bundled with the esbuild options that package was built with.
 */
export interface Variant {
  label: string;
  pkg: Package;
  functions: Target[];
  http: Target;
  recheck: Target;
  floor: Target;
  smOnly: Target;
}

export const FUNCTION_KEYS = ["http", "recheck", "events", "sweeper"] as const;

export async function prepareVariant(
  root: string,
  pkg: Package,
  label: string,
  dir: string,
): Promise<Variant> {
  const code = await unpackAll(pkg, join(dir, "code"));
  const functions: Target[] = [];
  for (const key of FUNCTION_KEYS) {
    const spec = pkg.specs.find((s) => s.key === key);
    const codeDir = code.get(key);
    if (!spec || !codeDir) throw new Error(`the package in ${pkg.dir} has no ${key} function`);
    const info = await codeInfo(key, codeDir, spec.handler, join(pkg.dir, spec.zip));
    functions.push({ name: key, spec, codeDir, info });
  }
  const floor = await buildBaseline(root, pkg, "bench/baseline/floor.ts", "floor", join(dir, "floor"));
  const smOnly = await buildBaseline(
    root,
    pkg,
    "bench/baseline/secretsManagerOnly.ts",
    "sm-only",
    join(dir, "sm-only"),
  );
  const [http, recheck] = functions as [Target, Target];
  return { label, pkg, functions, http, recheck, floor, smOnly };
}

/** Unzips every function of the package into `<root>/<key>`. */
export async function unpackAll(pkg: Package, root: string): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const spec of pkg.specs)
    dirs.set(spec.key, await unpack(join(pkg.dir, spec.zip), join(root, spec.key)));
  return dirs;
}

/** Size facts about one unpacked function. */
export interface CodeInfo {
  name: string;
  zipBytes?: number;
  entry: string;
  entryBytes: number;
  /** Every `.mjs` file (the entry and its chunks), their count and total bytes. */
  modules: number;
  moduleBytes: number;
}

export async function codeInfo(
  name: string,
  codeDir: string,
  handler: string,
  zip?: string,
): Promise<CodeInfo> {
  const files = await listFiles(codeDir);
  const mjs = files.filter((file) => file.endsWith(".mjs"));
  const sizes = await Promise.all(mjs.map(async (file) => (await stat(file)).size));
  const entry = `${handler.slice(0, handler.lastIndexOf("."))}.mjs`;
  return {
    name,
    ...(zip === undefined ? {} : { zipBytes: (await stat(zip)).size }),
    entry,
    entryBytes: (await stat(join(codeDir, entry))).size,
    modules: mjs.length,
    moduleBytes: sizes.reduce((a, b) => a + b, 0),
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
