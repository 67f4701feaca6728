import { readFile, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkedAnswer } from "./answers.js";
import type { Target } from "./artefact.js";
import { CIDRS } from "./coldChange.js";
import type { BenchStack } from "./stack.js";

/** Registered with `--import` in the diagnostic environment: logs every module file Node loads. */
const REGISTER = `import { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url), { data: { log: process.env.BENCH_MODULE_LOG } });
`;
const HOOKS = `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) {
  if (log && url.startsWith("file:")) appendFileSync(log, url + "\\n");
  return next(url, context);
}
`;

export interface LoadedModule {
  file: string;
  bytes: number;
}

export interface ModulesResult {
  method: string;
  atImport: LoadedModule[];
  byFirstPatch: LoadedModule[];
  neverLoaded: number;
  bytes: { atImport: number; byFirstPatch: number; inPackage: number };
}

/**
 * Which files of the unzipped package the cold change path loads, in one extra environment (not timed): a
 * module loader hook (`NODE_OPTIONS=--import`) logs each file Node loads; the log is read once the handler is
 * loaded and again after the first PATCH.
 */
export async function loadedModules(
  stack: BenchStack,
  http: Target,
  scratch: string,
): Promise<ModulesResult> {
  const register = join(scratch, "register.mjs");
  const log = join(scratch, "modules.log");
  await writeFile(register, REGISTER);
  await writeFile(join(scratch, "hooks.mjs"), HOOKS);
  await writeFile(log, "");
  const { fn } = await stack.start(http.spec, http.codeDir, {
    NODE_OPTIONS: `--import=${pathToFileURL(register).href}`,
    BENCH_MODULE_LOG: log,
  });
  const inPackage = () => loadedSoFar(log, http.codeDir);
  try {
    const atImport = await inPackage();
    const { changeId } = checkedAnswer("module log", await fn.invoke(stack.patchEvent(CIDRS[0])));
    const after = await inPackage();
    await stack.settle(changeId, Date.now());
    const seen = new Set(atImport.map((m) => m.file));
    const byFirstPatch = after.filter((m) => !seen.has(m.file));
    const sum = (list: LoadedModule[]) => list.reduce((a, m) => a + m.bytes, 0);
    return {
      method:
        "One extra, untimed environment of the http function with NODE_OPTIONS=--import of a loader hook that logs " +
        "every file URL Node loads; files inside the unzipped package, read after init and after the first PATCH.",
      atImport,
      byFirstPatch,
      neverLoaded: Math.max(0, http.info.modules - after.length),
      bytes: { atImport: sum(atImport), byFirstPatch: sum(byFirstPatch), inPackage: http.info.moduleBytes },
    };
  } finally {
    await fn.stop();
  }
}

/** The files inside `codeDir` the hook has logged so far, relative to it, with their sizes. */
async function loadedSoFar(log: string, codeDir: string): Promise<LoadedModule[]> {
  const urls = (await readFile(log, "utf8")).split("\n").filter((line) => line.length > 0);
  const files = [...new Set(urls.map((url) => fileURLToPath(url)))].filter(
    (file) => !relative(codeDir, file).startsWith(".."),
  );
  return Promise.all(
    files.map(async (file) => ({ file: relative(codeDir, file), bytes: (await stat(file)).size })),
  );
}
