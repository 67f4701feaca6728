import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import type { FunctionSpec } from "../local/lambda/functions.js";
import { unpack } from "../local/lambda/runtime.js";
import { esbuildOptionsFor } from "./esbuildOptions.js";
import type { Package } from "./packaging.js";

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
 * One package under test: its five functions unzipped, and the floor and the Secrets Manager-only baseline
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

/** Every function the package ships, in serverless.yml's order: §1 imports each, the comparison lists each. */
export const FUNCTION_KEYS = ["http", "recheck", "events", "notify", "sweeper"] as const;

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
