import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { type FunctionSpec, functionsOf } from "../local/lambda/functions.js";
import { readTemplate, type Template } from "../local/lambda/template.js";
import { esbuildBlockOf } from "./esbuildOptions.js";

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
 * Builds the deployable package exactly as users get it (`bash scripts/package.sh --package <dir>`: the five
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
