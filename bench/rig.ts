import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { EmulatedSchedule } from "../local/aws/scheduler.js";
import type { Invocation, LambdaProcess } from "../local/lambda/runtime.js";
import type { Fault, FaultSpec } from "../local/simulator/index.js";
import type { RecordedRequest } from "../local/simulator/recorder.js";
import type { ChangeState } from "../src/domain/peering/status.js";
import { isTerminal } from "../src/domain/peering/status.js";
import { type Config, loadConfig } from "../src/wiring/config.js";
import type { Target, Variant } from "./artefact.js";
import { type BenchStack, SIM_STEP_MS } from "./stack.js";

/**
 * What the follow-up sections (patchesPerChange.ts, refusedHour.ts, callbackDelay.ts) share: environments of the
 * packaged functions (some with the bench's clock), the PATCHes Atlas saw for the AWS demo peer, and driving a
 * change to its end the way EventBridge Scheduler would, one schedule after the other at the schedule's time.
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

/** PATCHes Atlas received for one peer, sorted by what became of them. */
export interface PatchCount {
  /** Every PATCH request for the peer, digest challenges included. */
  sent: number;
  /** First tries without credentials, answered with the digest challenge (401): Atlas reads no body. */
  challenges: number;
  /** Answered with an injected fault (503, enveloped or not): not applied. */
  refused: number;
  /** Authenticated, not refused: Atlas applied them to the peer. The effective PATCHes. */
  applied: number;
  /** Applied, but the answer never reached the gateway (it had given up, or died). */
  answersLost: number;
}

/**
 * Sorts the PATCH requests: `refusedByFaults` is how many the injected status faults consumed (read from the
 * simulator's fault queue, as only Atlas knows which answer a request got when the answer is enveloped). A
 * simulator refusal of its own (4xx) is not applied either. Latency faults delay the answer after the request
 * was read and before it is applied, so a PATCH whose client gave up (status 0 in the log) was still applied.
 */
export function countPatches(requests: readonly RecordedRequest[], refusedByFaults: number): PatchCount {
  const authenticated = requests.filter((r) => r.authenticated);
  const ownRefusals = authenticated.filter((r) => r.status >= 400 && r.status < 500).length;
  return {
    sent: requests.length,
    challenges: requests.filter((r) => !r.authenticated && r.status === 401).length,
    refused: refusedByFaults,
    applied: authenticated.length - refusedByFaults - ownRefusals,
    answersLost: authenticated.filter((r) => r.status === 0).length,
  };
}

/** What driving a change to its end saw: each re-check's outcome, and the last. */
export interface Driven {
  state: string;
  rechecks: string[];
}

/** The re-check input of a schedule (`{changeId, attempt}`). */
function inputOf(schedule: EmulatedSchedule): { changeId?: string; attempt?: number } {
  try {
    return JSON.parse(schedule.input.Target?.Input ?? "null") ?? {};
  } catch {
    return {};
  }
}

export class Rig {
  /** The AWS demo peer's v2 path: every change of these sections is on it (only AWS peers change in place). */
  readonly awsPath: string;
  readonly http: Target;
  readonly recheck: Target;
  readonly sweeper: Target;
  /** Each function's configuration as the package sets it (defaults included), read by the gateway's own loader. */
  readonly config: { http: Config; recheck: Config; sweeper: Config };
  /** A warm http environment that makes the changes, and a clocked recheck environment that drives them. */
  driver!: LambdaProcess;
  driverRecheck!: LambdaProcess;
  readonly #fired = new Set<string>();
  /** Changes made and not seen ending yet: {@link endOpen} ends them so that the next change finds the peer free. */
  readonly #open = new Set<string>();
  #cidr = 32;
  /** Warm-ups change the GCP peer, one change at a time: environments started together take turns. */
  #warmUps: Promise<unknown> = Promise.resolve();

  constructor(
    readonly stack: BenchStack,
    readonly variant: Variant,
  ) {
    this.awsPath = stack.path;
    const target = (name: string) => {
      const found = variant.functions.find((f) => f.name === name);
      if (!found) throw new Error(`the package has no ${name} function`);
      return found;
    };
    this.http = target("http");
    this.recheck = target("recheck");
    this.sweeper = target("sweeper");
    this.config = {
      http: loadConfig(this.http.spec.environment),
      recheck: loadConfig(this.recheck.spec.environment),
      sweeper: loadConfig(this.sweeper.spec.environment),
    };
  }

  async init(): Promise<void> {
    [this.driver, this.driverRecheck] = await Promise.all([
      this.startHttp(),
      this.startClocked(this.recheck),
    ]);
  }

  /** A CIDR the AWS demo peer has never had (the other sections use 10.8–10.10), so no change is a no-op. */
  nextCidr(): string {
    if (this.#cidr > 250) throw new Error("out of fresh CIDRs");
    return `10.${this.#cidr++}.0.0/21`;
  }

  /** A warm environment of the packaged http function: started, then one no-op change on the GCP peer. */
  async startHttp(extra: Record<string, string> = {}): Promise<LambdaProcess> {
    const { fn } = await this.stack.start(this.http.spec, this.http.codeDir, extra);
    const warmUp = this.#warmUps.then(() => this.noop(fn, "gcp"));
    this.#warmUps = warmUp.catch(() => undefined);
    await warmUp;
    return fn;
  }

  /** An environment with the bench's clock (bench/clock.mjs), warmed by one invocation an hour in the past. */
  async startClocked(target: Target, extra: Record<string, string> = {}): Promise<LambdaProcess> {
    const { fn } = await this.stack.start(target.spec, target.codeDir, {
      NODE_OPTIONS: CLOCK_OPTIONS,
      ...extra,
    });
    const warmUp = target.name === "sweeper" ? scheduledEvent() : { changeId: "bench-warm-up", attempt: 0 };
    const outcome = await fn.invoke(at(warmUp, Date.now() - 3_600_000));
    if (outcome.error) throw new Error(`${target.name} warm-up failed: ${outcome.error.errorMessage}`);
    return fn;
  }

  /** `POST /v1/peering-changes` asking a peer for what it already has (GCP or Azure: they cannot change in place). */
  noopEvent(provider: "gcp" | "azure", callbackUrl?: string) {
    const { groupId, peers } = this.stack.sim.demo;
    const { peerId, ...peering } = peers[provider];
    return this.stack.apiEvent("POST", "/v1/peering-changes", {
      body: JSON.stringify({ groupId, peerId, peering, ...(callbackUrl ? { callbackUrl } : {}) }),
      token: this.stack.callbackToken,
      contentType: "application/json",
    });
  }

  /** A no-op change, checked: 2xx (it settles at once, SUCCEEDED, without a PATCH). */
  async noop(fn: LambdaProcess, provider: "gcp" | "azure", callbackUrl?: string): Promise<Invocation> {
    const outcome = await fn.invoke(this.noopEvent(provider, callbackUrl));
    checkAnswered(`no-op change on the ${provider} peer`, outcome);
    return outcome;
  }

  /** `POST /v1/peering-changes` moving the AWS peer to a fresh CIDR; its change id. */
  async awsChange(callbackUrl?: string): Promise<string> {
    const { groupId, peers } = this.stack.sim.demo;
    const { peerId, connectionId: _read, ...peering } = peers.aws;
    const event = this.stack.apiEvent("POST", "/v1/peering-changes", {
      body: JSON.stringify({
        groupId,
        peerId,
        peering: { ...peering, routeTableCidrBlock: this.nextCidr() },
        ...(callbackUrl ? { callbackUrl } : {}),
      }),
      token: this.stack.callbackToken,
      contentType: "application/json",
    });
    return checkAnswered("change of the AWS peer", await this.driver.invoke(event));
  }

  /** The change id of the http function's answer (any status), remembered until the change is seen ending. */
  changeIdOf(label: string, outcome: Invocation): string {
    const id = changeIdOf(label, outcome);
    this.#open.add(id);
    return id;
  }

  /** Remembers a change made elsewhere (a killed request's, found by the sweeper), or forgets an ended one. */
  opened(changeId: string, open = true): void {
    if (open) this.#open.add(changeId);
    else this.#open.delete(changeId);
  }

  /**
   * Ends every remembered change still open (after a scenario, whatever became of it): driven by its
   * schedules, else cancelled through the API. What it sends is not counted: scenarios count before.
   */
  async endOpen(): Promise<string[]> {
    const ended: string[] = [];
    for (const id of [...this.#open]) {
      const driven = await this.drive(id, this.driverRecheck, 6);
      if (this.#open.has(id)) {
        const cancel = await this.driver.invoke(this.stack.apiEvent("DELETE", `/v1/peering-changes/${id}`));
        ended.push(`${id}: ${driven.state}, then DELETE → ${statusOf(cancel)}`);
        this.#open.delete(id);
      }
    }
    return ended;
  }

  /** The change as `GET /v1/peering-changes/{id}` shows it (its body text), or undefined. */
  async view(changeId: string): Promise<string | undefined> {
    const outcome = await this.driver.invoke(this.stack.apiEvent("GET", `/v1/peering-changes/${changeId}`));
    const result = outcome.result as { statusCode?: number; body?: string } | undefined;
    return result?.statusCode === 200 ? result.body : undefined;
  }

  /** PATCH requests Atlas received for the AWS demo peer since `mark` (`stack.io.mark()`). */
  patchesSince(mark: number): RecordedRequest[] {
    return this.stack.io.entries
      .slice(mark)
      .map((entry) => entry.request)
      .filter((r): r is RecordedRequest => r?.method === "PATCH" && r.path === this.awsPath);
  }

  /** Atlas GETs of the AWS demo peer since `mark`. */
  getsSince(mark: number): number {
    return this.stack.io.entries
      .slice(mark)
      .filter((entry) => entry.request?.method === "GET" && entry.request.path === this.awsPath).length;
  }

  /** Resolves with the first authenticated PATCH of the AWS peer since `mark` (Atlas has read it). */
  async patchArrived(mark: number, timeoutMs = 10_000): Promise<RecordedRequest> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const arrived = this.patchesSince(mark).find((r) => r.authenticated);
      if (arrived) return arrived;
      if (Date.now() > until) throw new Error("no PATCH reached Atlas");
      await sleep(2);
    }
  }

  /** Waits until every PATCH since `mark` delayed by a `latencyMs` fault has been applied by Atlas. */
  async landed(mark: number, latencyMs: number): Promise<void> {
    const arrivals = this.patchesSince(mark)
      .filter((r) => r.authenticated)
      .map((r) => r.at);
    if (arrivals.length > 0) await sleep(Math.max(...arrivals) + latencyMs + 250 - Date.now());
  }

  /** Queues a fault on PATCHes of the AWS demo peer only (the other sections' requests never match it). */
  inject(spec: { status: 503; count?: number } | { latencyMs: number; count?: number }): Fault {
    const match = { method: "PATCH", path: this.awsPath };
    return this.stack.sim.faults.inject({ ...spec, match } satisfies FaultSpec);
  }

  /** How many requests a status fault answered (its count less what is left of it in the queue). */
  consumed(fault: Fault): number {
    const left = this.stack.sim.faults.list().find((f) => f.id === fault.id)?.remaining ?? 0;
    return (fault.spec.count ?? 1) - (left ?? 0);
  }

  /** The change's newest re-check schedule not fired yet. */
  nextSchedule(changeId: string): EmulatedSchedule | undefined {
    const keyOf = (s: EmulatedSchedule) => `${s.groupName}/${s.name}`;
    return [...this.stack.scheduler.schedules.values()]
      .filter((s) => !this.#fired.has(keyOf(s)) && inputOf(s).changeId === changeId)
      .sort((a, b) => (inputOf(a).attempt ?? 0) - (inputOf(b).attempt ?? 0) || a.createdAt - b.createdAt)
      .at(-1);
  }

  /** Marks a schedule as fired and returns the invocation it makes: its input, at its time (or now if later). */
  fire(schedule: EmulatedSchedule): { event: object; at: number } {
    this.#fired.add(`${schedule.groupName}/${schedule.name}`);
    return { event: inputOf(schedule), at: Math.max(schedule.fireAt, Date.now()) };
  }

  /**
   * Drives a change to its end as production does: its newest schedule fires (the clocked recheck environment is
   * invoked with the schedule's input at the schedule's time, as Scheduler would), then the next one it made…
   * until a re-check ends it. A few simulator steps pass (real time) before each, so Atlas shows its progress.
   */
  async drive(changeId: string, recheck: LambdaProcess = this.driverRecheck, max = 12): Promise<Driven> {
    const rechecks: string[] = [];
    for (let i = 0; i < max; i++) {
      const schedule = this.nextSchedule(changeId);
      if (!schedule) return { state: "no re-check scheduled", rechecks };
      await sleep(4 * SIM_STEP_MS);
      const fired = this.fire(schedule);
      const outcome = await recheck.invoke(at(fired.event, fired.at));
      const result = outcome.result as { kind?: string; state?: string; reason?: string } | undefined;
      if (outcome.error) {
        rechecks.push(`error: ${outcome.error.errorMessage}`);
        return { state: "re-check failed", rechecks };
      }
      rechecks.push(result?.kind === "checked" ? String(result.state) : `skipped (${result?.reason})`);
      if (result?.kind === "checked" && isTerminal(result.state as ChangeState)) {
        this.#open.delete(changeId);
        return { state: String(result.state), rechecks };
      }
      if (result?.reason === "already ended") {
        this.#open.delete(changeId);
        return { state: "ended", rechecks };
      }
    }
    return { state: "still followed", rechecks };
  }
}

/** The EventBridge scheduled event the sweeper's rule sends. */
export function scheduledEvent() {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "eu-west-1",
    resources: ["arn:aws:events:eu-west-1:123456789012:rule/bench-sweeper"],
    detail: {},
  };
}

/** The change id of a 2xx answer (any route); anything else aborts the run: the figures would mean nothing. */
export function checkAnswered(label: string, outcome: Invocation): string {
  const result = outcome.result as { statusCode?: number; headers?: Record<string, string> } | undefined;
  const id = result?.headers?.["x-change-request-id"];
  const status = result?.statusCode ?? 0;
  if (outcome.error || status < 200 || status >= 300 || !id)
    throw new Error(`${label}: not accepted: ${JSON.stringify(outcome).slice(0, 600)}`);
  return id;
}

/** The change id the http function answered with, whatever the status (a 503 while RETRYING, say). */
export function changeIdOf(label: string, outcome: Invocation): string {
  const result = outcome.result as { statusCode?: number; headers?: Record<string, string> } | undefined;
  const id = result?.headers?.["x-change-request-id"];
  if (outcome.error || !id) throw new Error(`${label}: no change: ${JSON.stringify(outcome).slice(0, 600)}`);
  return id;
}

/** The HTTP status of the http function's answer (0 when it threw). */
export function statusOf(outcome: Invocation | undefined): number {
  return (outcome?.result as { statusCode?: number } | undefined)?.statusCode ?? 0;
}
