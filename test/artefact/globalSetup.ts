import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  interface ProvidedContext {
    /** The folder `npm run package` wrote the zips and the CloudFormation template to. */
    artefactDir: string;
  }
}

/**
 * Builds the deployable package once for the artefact suite, exactly as `npm run package` does for users,
 * into a folder of its own. Vitest runs this only when an artefact test is queued.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "apg-artefact-"));
  await promisify(execFile)("bash", ["scripts/package.sh", "--package", dir], {
    cwd: join(import.meta.dirname, "../.."),
    maxBuffer: 16 * 1024 * 1024,
  });
  project.provide("artefactDir", dir);
  return () => rm(dir, { recursive: true, force: true });
}
