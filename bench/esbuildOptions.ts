import { dirname, join } from "node:path";
import type { BuildOptions } from "esbuild";

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
