import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../..");

/**
 * What the copy leaves out: what packaging never reads (tests, history, local data) and what it writes
 * (`.serverless`, `.esbuild`). node_modules is linked, not copied. Everything else is copied, so a new input
 * of the build (a file `src/` imports, a `deploy/` fragment) needs no change here.
 */
const NOT_COPIED = new Set([
  "node_modules",
  ".git",
  ".serverless",
  ".esbuild",
  ".scratch",
  ".local-data",
  "coverage",
  "test",
  "bench",
]);

interface RunResult {
  code: number;
  output: string;
}

/**
 * `npm run package` exactly as a user runs it, in a private copy of the repository: packaging clears
 * `.serverless` and `.esbuild`, so it must not share a checkout with the template tests or the artefact suite.
 */
async function packageInCopy(dir: string, args: string[]): Promise<RunResult> {
  await cp(REPO, dir, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(relative(REPO, source).split(sep)[0] ?? ""),
  });
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"));
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", CI: "true" };
  try {
    const { stdout, stderr } = await promisify(execFile)("npm", ["run", "package", "--", ...args], {
      cwd: dir,
      env,
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(failed.code ?? 1), output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

describe("npm run package with a bad stack parameter", () => {
  let dir: string;
  let result: RunResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "apg-package-validation-"));
    result = await packageInCopy(dir, ["--param", "atlasBaseUrl=not-a-url"]);
  }, 300_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("fails, naming the parameter and what it must be", () => {
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(
      /stack parameter atlasBaseUrl \(ATLAS_BASE_URL of every function\): must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(result.output).toContain("Fix the --param value");
  });
});
