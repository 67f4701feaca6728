import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Invocation, LambdaProcess } from "../local/lambda/runtime.js";

/**
 * Invoking the packaged functions as §6 needs: at a time the bench chooses (bench/clock.mjs), and capped at the
 * function's timeout as Lambda caps it.
 */

/** `NODE_OPTIONS` that load bench/clock.mjs: an invocation whose event carries `__benchNow` runs at that time. */
export const CLOCK_OPTIONS = `--import=${pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), "clock.mjs")).href}`;

/** The event with the time the clocked environment must run it at (bench/clock.mjs removes the field). */
export function at<T extends object>(event: T, now: number): T & { __benchNow: number } {
  return { ...event, __benchNow: Math.round(now) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One invocation, capped at the function's own timeout as Lambda caps it (the environment is then killed). */
export interface Capped {
  ms: number;
  timedOut: boolean;
  outcome?: Invocation;
  error?: string;
}

/**
 * Invokes and times (`invoke()` → result), but gives up at `capMs` (default: the function's timeout): Lambda
 * ends an invocation there and starts the next in a new environment, so the environment is SIGKILLed and the
 * time reported is the cap.
 */
export async function invokeCapped(fn: LambdaProcess, event: unknown, capMs?: number): Promise<Capped> {
  const cap = capMs ?? fn.spec.timeoutSeconds * 1000;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), cap);
  });
  const run = fn.invoke(event).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error: String(error) }),
  );
  const first = await Promise.race([run, timeout]);
  clearTimeout(timer);
  if (first === "timeout") {
    await fn.stop();
    return { ms: cap, timedOut: true };
  }
  return { ms: performance.now() - started, timedOut: false, ...first };
}
