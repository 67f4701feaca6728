import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The parts of a packaged CloudFormation template the template tests read. */
export interface PackagedTemplate {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Conditions?: Record<string, unknown>;
}

/**
 * Packages the stack as `npm run package` does (scripts/package.sh, no AWS credentials in the environment)
 * with these `--param name=value` overrides, into a folder of its own that is removed afterwards, and returns
 * the template. Runs of the script must not overlap: each starts by removing `.serverless` and `.esbuild`.
 */
export async function packageWithParams(params: Record<string, string>): Promise<PackagedTemplate> {
  const dir = await mkdtemp(join(tmpdir(), "apg-package-"));
  const args = Object.entries(params).flatMap(([name, value]) => ["--param", `${name}=${value}`]);
  try {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", CI: "true" };
    await run("bash", ["scripts/package.sh", "--package", dir, ...args], { env, timeout: 180_000 });
    return JSON.parse(await readFile(join(dir, "cloudformation-template-update-stack.json"), "utf8"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The value of a condition of `template` as CloudFormation would evaluate it, for the few intrinsics the
 * gateway's conditions use (`Fn::Not`, `Fn::Equals` of literals); anything else fails the test.
 */
export function conditionHolds(template: PackagedTemplate, name: string): boolean {
  const evaluate = (expression: unknown): boolean => {
    const node = expression as Record<string, unknown[]>;
    if (Array.isArray(node["Fn::Not"])) return !evaluate(node["Fn::Not"][0]);
    const equals = node["Fn::Equals"];
    if (Array.isArray(equals) && equals.every((v) => typeof v === "string")) return equals[0] === equals[1];
    throw new Error(`cannot evaluate the condition ${JSON.stringify(expression)}`);
  };
  const condition = template.Conditions?.[name];
  if (condition === undefined) throw new Error(`the template has no condition ${name}`);
  return evaluate(condition);
}
