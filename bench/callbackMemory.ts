import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { statusOf } from "./answers.js";
import { invokeCapped, sleep } from "./invocation.js";
import type { Rig } from "./rig.js";

/**
 * §6.3's memory measure: the peak resident set of an http environment while a callback host streams a large
 * body, the way Lambda reports Max Memory Used (Linux `VmHWM`), else sampled.
 */

/** One environment's memory over the measured request. */
export interface Memory {
  peakBytes: number;
  from: "VmHWM" | "sampled rss()";
  sampledPeakBytes: number;
  requestMs: number;
  timedOut: boolean;
  answerStatus: number;
}

/**
 * The pid of the environment started with `BENCH_ENV_MARK=<marker>`: a child of this process whose environment
 * holds the marker (Linux /proc). Undefined elsewhere.
 */
export async function pidOf(marker: string): Promise<number | undefined> {
  const names = await readdir("/proc").catch(() => [] as string[]);
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      const environ = await readFile(`/proc/${name}/environ`, "utf8");
      if (environ.split("\0").includes(`BENCH_ENV_MARK=${marker}`)) return Number(name);
    } catch {
      // The process ended while we looked, or is not ours to read: not the one.
    }
  }
  return undefined;
}

/** Peak (`VmHWM`, what Lambda reports as Max Memory Used) and current resident set of a process, in bytes. */
export async function memoryOf(pid: number): Promise<{ peakBytes: number; rssBytes: number } | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status ?? "")?.[1] ?? Number.NaN);
  if (status === undefined) return undefined;
  return { peakBytes: kb("VmHWM") * 1024, rssBytes: kb("VmRSS") * 1024 };
}

/**
 * A fresh http environment's peak resident set (Linux `VmHWM` of its process, else the largest `rss()` sampled
 * every 25 ms) over a warm-up no-op change and then one more, with `callbackUrl` when given.
 */
export async function measureMemory(rig: Rig, callbackUrl?: string): Promise<Memory> {
  const marker = randomUUID();
  const { fn } = await rig.stack.start(rig.http.spec, rig.http.codeDir, { BENCH_ENV_MARK: marker });
  try {
    const pid = await pidOf(marker);
    await rig.noop(fn, "azure");
    let sampled = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        sampled = Math.max(sampled, await fn.rss().catch(() => 0));
        await sleep(25);
      }
    })();
    const run = await invokeCapped(fn, rig.noopEvent("azure", callbackUrl));
    const mem = pid === undefined || run.timedOut ? undefined : await memoryOf(pid);
    done = true;
    await sampler;
    return {
      peakBytes: mem?.peakBytes ?? sampled,
      from: mem ? "VmHWM" : "sampled rss()",
      sampledPeakBytes: sampled,
      requestMs: Math.round(run.ms),
      timedOut: run.timedOut,
      answerStatus: statusOf(run.outcome),
    };
  } finally {
    await fn.stop();
  }
}
