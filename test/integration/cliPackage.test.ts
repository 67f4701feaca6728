import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken } from "../../src/access/signature.js";
import { patchesTo, stackOptions, startFastSimulator } from "./support/gatewayE2e.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const TOKEN = "cli-package-token-3e4f5a6b7c8d";
const OTHER_GROUP = "0123456789abcdef01234567";

let dir: string;
let bin: string;
let sim: AtlasSimulator;
let local: LocalStack;

/**
 * The CLI as a CI job gets it: `npm run cli:pack`'s tarball, installed offline into an empty folder (it has
 * no dependencies), run as `node_modules/.bin/peering-gateway` in its own process against the local stack.
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "peering-cli-package-"));
  const { stdout } = await run(process.execPath, [join(ROOT, "scripts", "pack-cli.mjs"), "--out", dir]);
  const tarball = stdout.trim().split("\n").at(-1) ?? "";
  const install = join(dir, "install");
  await mkdir(install);
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: install });
  bin = join(install, "node_modules", ".bin", "peering-gateway");
  sim = await startFastSimulator();
  const callersFile = join(dir, "callers.json");
  const grant = { groupId: sim.demo.groupId };
  await writeFile(
    callersFile,
    JSON.stringify({ callers: [{ id: "ci", tokenSha256: [hashToken(TOKEN)], projects: [grant] }] }),
  );
  local = await startLocalStack(stackOptions(sim, { callersFile }));
}, 120_000);
afterAll(async () => {
  await local?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the installed CLI; a non-zero exit is an answer here, not a failure. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const options = {
    env: { PATH: process.env.PATH ?? "", GATEWAY_URL: local.gatewayUrl, GATEWAY_TOKEN: TOKEN, ...env },
    cwd: dir,
  };
  try {
    const { stdout, stderr } = await run(bin, args, options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const aws = () => ["--group", sim.demo.groupId, "--peer", sim.demo.peers.aws.peerId];

describe("the packed CLI, installed into an empty folder", () => {
  it("runs with no checkout and prints the root package's version", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    const result = await cli(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("plans a CIDR change: shows the diff, and Atlas sees no PATCH", async () => {
    const before = patchesTo(sim, sim.demo.peers.aws.peerId).length;
    const result = await cli(["plan", ...aws(), "--cidr", "10.9.0.0/21"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("~ routeTableCidrBlock: 10.8.0.0/21 → 10.9.0.0/21");
    expect(result.stdout).toContain("Nothing was sent");
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(before);
  });

  it("submits only --cidr with --wait: the change id first, then SUCCEEDED and exit 0", async () => {
    const result = await cli(["submit", ...aws(), "--cidr", "10.9.0.0/21", "--wait", "--interval", "0.2"]);
    expect(result.stderr).not.toContain("Error");
    expect(result.code).toBe(0);
    const [first] = result.stdout.split("\n");
    const id = /^Change (\S+) submitted/.exec(first ?? "")?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toContain(`Change ${id}: SUCCEEDED`);
    // Not a terminal: the transitions, each once, and no live-line control characters.
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).toMatch(/\+\d:\d\d {2}SUCCEEDED · Atlas AVAILABLE/);
    const status = await cli(["status", id ?? ""]);
    expect(status.stdout).toMatch(/Timeline \(UTC, [\d-]+\):/);
    expect(status.stdout).toMatch(/Took \d:\d\d/);
  });

  it("answers 403 (exit 3) for a project the caller is not granted, never an empty list", async () => {
    const result = await cli(["list", "--group", OTHER_GROUP]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("403");
    expect(result.stdout).not.toContain("No changes");
    const json = await cli(["list"], { MONGODB_ATLAS_PROJECT_ID: OTHER_GROUP, MONGODB_ATLAS_OUTPUT: "json" });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 403 });
  });

  it("reads peers through the drop-in reads and the audit trail", async () => {
    const peers = await cli(["peers", "list"], { MCLI_PROJECT_ID: sim.demo.groupId });
    expect(peers.code).toBe(0);
    expect(peers.stdout).toContain(sim.demo.peers.aws.peerId);
    const peer = await cli(["peers", "get", ...aws(), "--json"]);
    expect(JSON.parse(peer.stdout)).toMatchObject({
      id: sim.demo.peers.aws.peerId,
      vpcId: expect.any(String),
    });
    const audit = await cli(["audit", "--group", sim.demo.groupId]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^AT\s+OUTCOME/);
  });

  it("gives one usage line with a hint, exit 2", async () => {
    const result = await cli(["submit", "--x"]);
    expect(result).toMatchObject({
      code: 2,
      stderr: "peering-gateway: unknown option --x (see peering-gateway submit --help)\n",
    });
  });
});
