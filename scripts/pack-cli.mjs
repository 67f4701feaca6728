#!/usr/bin/env node
// Builds the CLI and packs it: `npm run cli:pack [-- --out <dir>]` writes
// <dir>/atlas-peering-gateway-cli-<version>.tgz (default dir: cli/.pack) and prints its path on stdout. The
// tarball has no dependencies, so `npm install --offline <tgz>` works in an empty folder, e.g. in a CI job.
import { execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outAt = process.argv.indexOf("--out");
const out = resolve(outAt === -1 ? join(root, "cli", ".pack") : (process.argv[outAt + 1] ?? "."));

execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs")], { stdio: "inherit" });
await mkdir(out, { recursive: true });
// Built just above, so the package's own prepack build is skipped.
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const packed = execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
  cwd: join(root, "cli"),
  encoding: "utf8",
});
const [{ filename }] = JSON.parse(packed);
console.log(join(out, filename));
