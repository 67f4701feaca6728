#!/usr/bin/env node
// Bundles the `peering-gateway` CLI (cli/peering-gateway.ts and the few src/ modules it imports) into one ESM
// file with no runtime dependencies, cli/dist/peering-gateway.mjs, for the package cli/package.json describes.
// The version is the root package.json's: it is injected into the bundle and written into cli/package.json.
import { chmod, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
// `--outdir <dir>` builds elsewhere (tests do, so they never race over cli/dist).
const outdirAt = process.argv.indexOf("--outdir");
const outdir = outdirAt === -1 ? join(root, "cli", "dist") : resolve(process.argv[outdirAt + 1] ?? ".");
const outfile = join(outdir, "peering-gateway.mjs");

await build({
  entryPoints: [join(root, "cli", "peering-gateway.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  define: { __PEERING_GATEWAY_VERSION__: JSON.stringify(version) },
  legalComments: "inline",
  logLevel: "warning",
});
await chmod(outfile, 0o755);

// One version for both packages: a release bumps the root, and the CLI package follows it here.
const cliManifestPath = join(root, "cli", "package.json");
const cliManifest = JSON.parse(await readFile(cliManifestPath, "utf8"));
if (outdirAt === -1 && cliManifest.version !== version) {
  cliManifest.version = version;
  await writeFile(cliManifestPath, `${JSON.stringify(cliManifest, null, 2)}\n`);
  console.error(`cli/package.json: version set to ${version} (the root package's)`);
}
console.error(`built ${outfile} (${version})`);
