import { type ChildProcess, fork } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import type { FunctionSpec } from "./functions.js";

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "runner.mjs");

/** What one invocation gave back: the handler's result, or the error it threw (as Lambda reports it). */
export interface Invocation {
  result?: unknown;
  error?: { errorType: string; errorMessage: string; stack?: string };
  durationMs: number;
}

/** A running local execution environment of one function. */
export interface LambdaProcess {
  spec: FunctionSpec;
  /** Module load time inside the environment (Lambda's Init duration). */
  initMs: number;
  /** Every line the function wrote to stdout or stderr, in order (its CloudWatch log stream). */
  lines: string[];
  /** Runs one invocation; invocations queue and run one at a time, as in one Lambda environment. */
  invoke(event: unknown): Promise<Invocation>;
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** Unzips a function's package into `dir` (which must be new or empty): the function's /var/task. */
export async function unpack(zipPath: string, dir: string): Promise<string> {
  const files = unzipSync(new Uint8Array(await readFile(zipPath)));
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith("/")) continue;
    const target = join(dir, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
  }
  return dir;
}

/** The variables the Lambda service sets in every Node.js environment, beside the function's own. */
function runtimeEnvironment(spec: FunctionSpec, codeDir: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "local",
    LAMBDA_TASK_ROOT: codeDir,
    _HANDLER: spec.handler,
    // The role's credentials; the key id names the function so local stand-ins can tell callers apart.
    AWS_ACCESS_KEY_ID: `LOCAL${spec.key.toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: "local-secret",
    AWS_SESSION_TOKEN: "local-session",
  };
}

/**
 * Starts one execution environment of a packaged function: a fresh Node process in `codeDir` (the unzipped
 * package, no node_modules) whose environment is only what Lambda would give it, plus `overrides` (the local
 * endpoints). Resolves once the handler module is loaded; rejects if it cannot be.
 */
export async function startLambda(
  spec: FunctionSpec,
  codeDir: string,
  options: { region?: string; overrides?: Record<string, string> } = {},
): Promise<LambdaProcess> {
  const env = {
    ...runtimeEnvironment(spec, codeDir, options.region ?? "eu-west-1"),
    ...spec.environment,
    ...options.overrides,
  };
  const child = fork(RUNNER, [], {
    cwd: codeDir,
    env,
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const lines: string[] = [];
  collectLines(child, lines);
  const initMs = await ready(child, lines);
  return environment(spec, child, lines, initMs);
}

function collectLines(child: ChildProcess, lines: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts.filter((line) => line.length > 0));
    });
  }
}

function ready(child: ChildProcess, lines: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`the function exited during init (${code}): ${lines.join("\n")}`)),
    );
    child.on("message", (message: { type: string; initMs?: number; error?: { errorMessage: string } }) => {
      if (message.type === "ready") resolve(message.initMs ?? 0);
      if (message.type === "init-error") reject(new Error(`init failed: ${message.error?.errorMessage}`));
    });
  });
}

function environment(
  spec: FunctionSpec,
  child: ChildProcess,
  lines: string[],
  initMs: number,
): LambdaProcess {
  let sequence = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const request = <T>(message: object, answer: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++sequence;
      const onMessage = (reply: { type: string; id?: number; error?: Invocation["error"] }) => {
        if (reply.type === "crash")
          finish(() => reject(new Error(`the function crashed: ${reply.error?.errorMessage}`)));
        if (reply.type === answer && reply.id === id) finish(() => resolve(reply as T));
      };
      const onExit = (code: number | null) =>
        finish(() => reject(new Error(`the function exited (${code})`)));
      const finish = (settle: () => void) => {
        child.off("message", onMessage);
        child.off("exit", onExit);
        settle();
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.send({ ...message, id });
    });
  const timeoutMs = spec.timeoutSeconds * 1000;
  return {
    spec,
    initMs,
    lines,
    invoke(event) {
      const run = queue.then(() =>
        request<Invocation>({ type: "invoke", event, timeoutMs, functionArn: spec.arn }, "result"),
      );
      queue = run.catch(() => undefined);
      return run;
    },
    rss: async () => (await request<{ rss: number }>({ type: "memory" }, "memory")).rss,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
