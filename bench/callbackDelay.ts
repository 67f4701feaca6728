import { randomUUID } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Socket } from "node:net";
import type { LambdaProcess } from "../local/lambda/runtime.js";
import { type Figure, figure, round, stats } from "./report.js";
import { at, type Capped, invokeCapped, memoryOf, pidOf, type Rig, sleep, statusOf } from "./rig.js";
import { SIM_STEP_MS } from "./stack.js";

/** A 127.0.0.1 host that accepts connections, reads what it is sent, and never answers. */
interface HangingHost {
  url: string;
  /** Connections accepted so far (each delivery attempt opens one). */
  connections(): number;
  close(): Promise<void>;
}

async function startHangingHost(): Promise<HangingHost> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 host that answers every request 200 with a body of `bytes` bytes, streamed as fast as it is read. */
async function startStreamingHost(bytes: number) {
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let requests = 0;
  let sent = 0;
  const server = createHttpServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests: () => requests,
    sentBytes: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One environment's memory over the measured request. */
interface Memory {
  peakBytes: number;
  from: "VmHWM" | "sampled rss()";
  sampledPeakBytes: number;
  requestMs: number;
  timedOut: boolean;
  answerStatus: number;
}

export interface CallbackDelayResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/** The callback measures, started in two steps so that other sections can run while they wait. */
export interface CallbackRun {
  /** Requests: baselines (no callbackUrl), then the same with the hanging callback, left waiting; memory. */
  requests(): Promise<void>;
  /** Waits for everything started, stops it, and reports. */
  finish(): Promise<CallbackDelayResult>;
}

/**
 * Time a callback host that never answers adds to a request and to a re-check, and the memory of the http
 * function when the callback host streams a large body. `startCallbackDelay` measures the re-checks' baseline
 * and leaves the re-checks with the hanging callback waiting (up to the recheck function's 60 s timeout);
 * `requests()` does the same for change requests (the GCP peer: it needs the AWS peer's lock only in between)
 * and starts the memory measure (the Azure peer). Other sections run meanwhile; `finish()` waits for it all.
 * Both hosts listen on 127.0.0.1 and are stopped by `finish()`.
 */
export async function startCallbackDelay(
  rig: Rig,
  options: { requests: number; rechecks: number; rounds: number; streamBytes: number },
): Promise<CallbackRun> {
  const hang = await startHangingHost();
  const stream = await startStreamingHost(options.streamBytes);
  const hook = `${hang.url}/hook`;
  const envs: LambdaProcess[] = [];
  const cleanUp = async () => {
    for (const fn of envs) await fn.stop();
    await Promise.all([hang.close(), stream.close()]);
  };
  // With the hanging callback, each is started once the previous one is in its callback (or done), so they
  // wait out their timeouts together; each frees its peering before it calls back, so the next can start.
  const launch = async (start: () => Promise<{ running: Promise<Capped> }>) => {
    const before = hang.connections();
    const { running } = await start();
    const until = Date.now() + 10_000;
    let done = false;
    void running.finally(() => {
      done = true;
    });
    while (!done && hang.connections() === before && Date.now() < until) await sleep(2);
    return { running, hung: !done };
  };
  const recheckMs: number[] = [];
  const hungRechecks: Promise<Capped>[] = [];
  const requestMs: number[] = [];
  const hungRequests: Promise<Capped>[] = [];
  let connectionsAtLaunch = 0;
  let memory: Promise<{ without: Memory; with: Memory }> | undefined;
  try {
    const [rechecks] = await Promise.all([
      Promise.all(Array.from({ length: options.rechecks }, () => rig.startClocked(rig.recheck))),
      rig.init(),
    ]);
    envs.push(...rechecks);
    // A warm-up change settled in each environment; then, per environment, one settled without callbackUrl
    // (the baseline) and one with; `rounds` times over the environments not left hanging.
    for (const fn of rechecks) checked("re-check (warm-up)", await (await settle(rig, fn)).running);
    const hanging = new Set<LambdaProcess>();
    for (let round = 0; round < options.rounds; round++) {
      for (const fn of rechecks) {
        if (hanging.has(fn)) continue;
        recheckMs.push(checked("re-check", await (await settle(rig, fn)).running).ms);
        const { running, hung } = await launch(() => settle(rig, fn, hook));
        hungRechecks.push(running);
        if (hung) hanging.add(fn);
      }
    }
  } catch (error) {
    await Promise.allSettled(hungRechecks);
    await cleanUp();
    throw error;
  }

  return {
    requests: async () => {
      const https = await Promise.all(Array.from({ length: options.requests }, () => rig.startHttp()));
      envs.push(...https);
      // Two more no-op changes first in each environment, so the timed ones meet code as warm as later ones do.
      for (const fn of https) for (let i = 0; i < 2; i++) await rig.noop(fn, "gcp");
      // Per environment, the request without callbackUrl (the baseline), then with; `rounds` times over the
      // environments not left hanging.
      const hanging = new Set<LambdaProcess>();
      for (let round = 0; round < options.rounds; round++) {
        for (const fn of https) {
          if (hanging.has(fn)) continue;
          requestMs.push(checked("no-op change", await invokeCapped(fn, rig.noopEvent("gcp"))).ms);
          const { running, hung } = await launch(async () => ({
            running: invokeCapped(fn, rig.noopEvent("gcp", hook)),
          }));
          hungRequests.push(running);
          if (hung) hanging.add(fn);
        }
      }
      connectionsAtLaunch = hang.connections();
      // Memory with a streaming callback host, meanwhile (the Azure peer: no other section touches it).
      memory = (async () => ({
        without: await measureMemory(rig),
        with: await measureMemory(rig, stream.url),
      }))();
      memory.catch(() => undefined);
    },
    finish: async () => {
      try {
        const hungRecheck = await Promise.all(hungRechecks);
        const hungRequest = await Promise.all(hungRequests);
        // One that answered (did not wait out its timeout) must have done its job, or its time means nothing.
        for (const r of hungRecheck) if (!r.timedOut) checked("re-check with callbackUrl", r);
        for (const r of hungRequest) if (!r.timedOut) checked("no-op change with callbackUrl", r);
        if (!memory || hungRequest.length === 0) throw new Error("callbackDelay: requests() was not run");
        const mem = await memory;
        return report(rig, options, {
          requestMs,
          recheckMs,
          hungRequest,
          hungRecheck,
          mem,
          connections: { atLaunch: connectionsAtLaunch, total: hang.connections() },
          stream: { requests: stream.requests(), sentBytes: stream.sentBytes() },
        });
      } finally {
        await memory?.catch(() => undefined);
        await cleanUp();
      }
    },
  };
}

/** The capped invocation, checked: a 2xx answer (http) or a SUCCEEDED re-check; anything else aborts the run. */
function checked(label: string, run: Capped): Capped {
  const result = run.outcome?.result as { kind?: string; state?: string } | undefined;
  const status = statusOf(run.outcome);
  const ok = label.startsWith("re-check") ? result?.state === "SUCCEEDED" : status >= 200 && status < 300;
  if (run.timedOut || run.error || run.outcome?.error || !ok)
    throw new Error(`${label}: ${JSON.stringify(run).slice(0, 600)}`);
  return run;
}

/**
 * A change of the AWS peer (made by the rig's http environment, with `callbackUrl` when given), then its
 * re-check, once Atlas shows the peer AVAILABLE, in `fn` (its schedule's input at its time): the re-check that
 * settles the change, and announces it. Resolves once the re-check is started, with its capped timing to come.
 */
async function settle(
  rig: Rig,
  fn: LambdaProcess,
  callbackUrl?: string,
): Promise<{ running: Promise<Capped> }> {
  const changeId = await rig.awsChange(callbackUrl);
  await sleep(4 * SIM_STEP_MS);
  const schedule = rig.nextSchedule(changeId);
  if (!schedule) throw new Error(`change ${changeId} has no re-check scheduled`);
  const fired = rig.fire(schedule);
  return { running: invokeCapped(fn, at(fired.event, fired.at)) };
}

/**
 * A fresh http environment's peak resident set (Linux `VmHWM` of its process, else the largest `rss()` sampled
 * every 25 ms) over a warm-up no-op change and then one more, with `callbackUrl` when given.
 */
async function measureMemory(rig: Rig, callbackUrl?: string): Promise<Memory> {
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

function report(
  rig: Rig,
  options: { requests: number; rechecks: number; rounds: number; streamBytes: number },
  m: {
    requestMs: number[];
    recheckMs: number[];
    hungRequest: Capped[];
    hungRecheck: Capped[];
    mem: { without: Memory; with: Memory };
    connections: { atLaunch: number; total: number };
    stream: { requests: number; sentBytes: number };
  },
): CallbackDelayResult {
  const base = stats(m.requestMs);
  const hung = stats(m.hungRequest.map((r) => r.ms));
  const baseCheck = stats(m.recheckMs);
  const hungCheck = stats(m.hungRecheck.map((r) => r.ms));
  const timeouts = (runs: Capped[], fn: LambdaProcess["spec"]) =>
    `${runs.filter((r) => r.timedOut).length}/${runs.length} hit the ${fn.timeoutSeconds} s timeout`;
  const added = (a: number, b: number) =>
    `${a >= b ? "+" : "−"}${Math.abs(Math.round(a - b)).toLocaleString("en-US")} ms`;
  const goal = { on: "ratio", max: 1.1, text: "no added time (≤ 1.1×)" } as const;
  const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
  const label = "callback host never answers:";
  const streamMiB = Math.round(options.streamBytes / 2 ** 20);
  return {
    figures: [
      figure({
        id: "callbackDelay.request.median",
        label: `${label} change request, median (${added(hung.median, base.median)}; ${timeouts(m.hungRequest, rig.http.spec)})`,
        unit: "ms",
        gateway: hung.median,
        baseline: base.median,
        baselineLabel: "no callbackUrl",
        goal,
      }),
      figure({
        id: "callbackDelay.request.p95",
        label: `${label} change request, p95 (${added(hung.p95, base.p95)})`,
        unit: "ms",
        gateway: hung.p95,
        baseline: base.p95,
        baselineLabel: "no callbackUrl",
        goal,
      }),
      figure({
        id: "callbackDelay.recheck.median",
        label: `${label} re-check settling a change, median (${added(hungCheck.median, baseCheck.median)}; ${timeouts(m.hungRecheck, rig.recheck.spec)})`,
        unit: "ms",
        gateway: hungCheck.median,
        baseline: baseCheck.median,
        baselineLabel: "no callbackUrl",
        goal,
      }),
      figure({
        id: "callbackDelay.streamedBody.peakRss",
        label: `callback host streams ${streamMiB} MiB: http function peak RSS (${m.mem.with.from}; memorySize ${rig.http.spec.memoryMb} MB)`,
        unit: "MiB",
        gateway: mib(m.mem.with.peakBytes),
        baseline: mib(m.mem.without.peakBytes),
        baselineLabel: "no callbackUrl",
        goal: { on: "ratio", max: 1.5, text: "≤ 1.5×" },
      }),
    ],
    details: {
      method:
        "A 127.0.0.1 TCP host that accepts connections and never writes a byte is the callback host, on the " +
        "allowlist of a second bench caller (callbackHosts ['127.0.0.1'], a callbackSecret). Requests: " +
        `POST /v1/peering-changes asking the GCP demo peer for the settings it has, so the change settles in the ` +
        "request (SUCCEEDED, no PATCH) and is announced there: the one change request that announces before it " +
        "answers (a real change answers IN_PROGRESS and is announced by the re-check that settles it). " +
        `${options.requests} warm http environments (3 no-op changes each first); per environment, the request ` +
        "without callbackUrl (the baseline), then with callbackUrl pointing at the host, started once the " +
        "previous one is in its callback or done; " +
        `${options.rounds} rounds over the environments not left waiting (one that waits stays out), so the ` +
        "ones that wait, wait together, and the pairs interleave once nothing waits. Timed: invoke() → result, " +
        "capped at the function's timeout (Lambda ends the invocation there; the environment is then killed " +
        `and the time is the cap). Re-checks: ${options.rechecks} clocked recheck environments, a warm-up ` +
        "change settled in each, then the same rounds of one change settled without callbackUrl and one with: " +
        "the change is POSTed for the AWS peer, and once Atlas shows it AVAILABLE its schedule's input is invoked. Memory: " +
        `a fresh http environment, a warm-up no-op change on the Azure peer, then one more with callbackUrl at a ` +
        `host answering 200 with ${streamMiB} MiB streamed; its peak RSS (Linux VmHWM of the process, else ` +
        "sampled rss()) against a fresh environment doing the same without callbackUrl.",
      requestMs: { without: roundStats(base), with: roundStats(hung) },
      recheckMs: { without: roundStats(baseCheck), with: roundStats(hungCheck) },
      addedMs: {
        requestMedian: round(hung.median - base.median, 1),
        requestP95: round(hung.p95 - base.p95, 1),
        recheckMedian: round(hungCheck.median - baseCheck.median, 1),
      },
      timedOut: {
        requests: m.hungRequest.filter((r) => r.timedOut).length,
        rechecks: m.hungRecheck.filter((r) => r.timedOut).length,
      },
      answers: m.hungRequest.map((r) => (r.timedOut ? "timed out" : statusOf(r.outcome))),
      hangingHostConnections: m.connections,
      memory: {
        without: { ...m.mem.without, peakMiB: mib(m.mem.without.peakBytes) },
        with: { ...m.mem.with, peakMiB: mib(m.mem.with.peakBytes) },
        streamingHost: m.stream,
      },
    },
  };
}

function roundStats(s: ReturnType<typeof stats>) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 1)]));
}
