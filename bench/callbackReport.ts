import type { LambdaProcess } from "../local/lambda/runtime.js";
import { statusOf } from "./answers.js";
import type { Memory } from "./callbackMemory.js";
import type { Capped } from "./invocation.js";
import { type Figure, figure, round, stats } from "./report.js";
import type { Rig } from "./rig.js";

/** §6.3's figures and details, from what the callback measures collected. */

export interface CallbackDelayOptions {
  requests: number;
  rechecks: number;
  rounds: number;
  streamBytes: number;
}

export interface CallbackDelayResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/** What the callback measures collected: the baselines' times, the capped runs with the callback, memory. */
export interface CallbackMeasures {
  requestMs: number[];
  recheckMs: number[];
  hungRequest: Capped[];
  hungRecheck: Capped[];
  mem: { without: Memory; with: Memory };
  connections: { atLaunch: number; total: number };
  stream: { requests: number; sentBytes: number };
}

type Stats = ReturnType<typeof stats>;

/** The four samples' statistics: change requests and re-checks, each without and with the hanging callback. */
interface Timings {
  base: Stats;
  hung: Stats;
  baseCheck: Stats;
  hungCheck: Stats;
}

const NO_ADDED_TIME = { on: "ratio", max: 1.1, text: "no added time (≤ 1.1×)" } as const;
const NEVER_ANSWERS = "callback host never answers:";
const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

export function reportCallbackDelay(
  rig: Rig,
  options: CallbackDelayOptions,
  m: CallbackMeasures,
): CallbackDelayResult {
  const timings: Timings = {
    base: stats(m.requestMs),
    hung: stats(m.hungRequest.map((r) => r.ms)),
    baseCheck: stats(m.recheckMs),
    hungCheck: stats(m.hungRecheck.map((r) => r.ms)),
  };
  return { figures: figuresOf(rig, options, m, timings), details: detailsOf(options, m, timings) };
}

/** A time with the hanging callback beside the same without callbackUrl; the difference goes in the label. */
function addedTime(id: string, what: string, hung: number, base: number, more = ""): Figure {
  const added = `${hung >= base ? "+" : "−"}${Math.abs(Math.round(hung - base)).toLocaleString("en-US")} ms`;
  return figure({
    id,
    label: `${NEVER_ANSWERS} ${what} (${added}${more})`,
    unit: "ms",
    gateway: hung,
    baseline: base,
    baselineLabel: "no callbackUrl",
    goal: NO_ADDED_TIME,
  });
}

function figuresOf(rig: Rig, options: CallbackDelayOptions, m: CallbackMeasures, t: Timings): Figure[] {
  const timeouts = (runs: Capped[], fn: LambdaProcess["spec"]) =>
    `; ${runs.filter((r) => r.timedOut).length}/${runs.length} hit the ${fn.timeoutSeconds} s timeout`;
  const streamMiB = Math.round(options.streamBytes / 2 ** 20);
  return [
    addedTime(
      "callbackDelay.request.median",
      "change request, median",
      t.hung.median,
      t.base.median,
      timeouts(m.hungRequest, rig.http.spec),
    ),
    addedTime("callbackDelay.request.p95", "change request, p95", t.hung.p95, t.base.p95),
    addedTime(
      "callbackDelay.recheck.median",
      "re-check settling a change, median",
      t.hungCheck.median,
      t.baseCheck.median,
      timeouts(m.hungRecheck, rig.recheck.spec),
    ),
    figure({
      id: "callbackDelay.streamedBody.peakRss",
      label: `callback host streams ${streamMiB} MiB: http function peak RSS (${m.mem.with.from}; memorySize ${rig.http.spec.memoryMb} MB)`,
      unit: "MiB",
      gateway: mib(m.mem.with.peakBytes),
      baseline: mib(m.mem.without.peakBytes),
      baselineLabel: "no callbackUrl",
      goal: { on: "ratio", max: 1.5, text: "≤ 1.5×" },
    }),
  ];
}

function detailsOf(options: CallbackDelayOptions, m: CallbackMeasures, t: Timings): Record<string, unknown> {
  return {
    method: methodOf(options),
    requestMs: { without: roundStats(t.base), with: roundStats(t.hung) },
    recheckMs: { without: roundStats(t.baseCheck), with: roundStats(t.hungCheck) },
    addedMs: {
      requestMedian: round(t.hung.median - t.base.median, 1),
      requestP95: round(t.hung.p95 - t.base.p95, 1),
      recheckMedian: round(t.hungCheck.median - t.baseCheck.median, 1),
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
  };
}

function methodOf(options: CallbackDelayOptions): string {
  const streamMiB = Math.round(options.streamBytes / 2 ** 20);
  return (
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
    "sampled rss()) against a fresh environment doing the same without callbackUrl."
  );
}

function roundStats(s: Stats) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 1)]));
}
