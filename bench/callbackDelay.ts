import type { LambdaProcess } from "../local/lambda/runtime.js";
import { statusOf } from "./answers.js";
import {
  type HangingHost,
  type StreamingHost,
  startHangingHost,
  startStreamingHost,
} from "./callbackHosts.js";
import { type Memory, measureMemory } from "./callbackMemory.js";
import {
  type CallbackDelayOptions,
  type CallbackDelayResult,
  reportCallbackDelay,
} from "./callbackReport.js";
import { at, type Capped, invokeCapped, sleep } from "./invocation.js";
import type { Rig } from "./rig.js";
import { SIM_STEP_MS } from "./settle.js";

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
export async function startCallbackDelay(rig: Rig, options: CallbackDelayOptions): Promise<CallbackRun> {
  const hang = await startHangingHost();
  const stream = await startStreamingHost(options.streamBytes);
  const run = new CallbackDelayRun(rig, options, hang, stream);
  await run.startRechecks();
  return run;
}

/** A timed invocation started with the hanging callback, and whether it was still waiting when the next began. */
type Launched = { running: Promise<Capped>; hung: boolean };

class CallbackDelayRun implements CallbackRun {
  readonly #envs: LambdaProcess[] = [];
  readonly #recheckMs: number[] = [];
  readonly #hungRechecks: Promise<Capped>[] = [];
  readonly #requestMs: number[] = [];
  readonly #hungRequests: Promise<Capped>[] = [];
  #connectionsAtLaunch = 0;
  #memory: Promise<{ without: Memory; with: Memory }> | undefined;
  readonly #hook: string;

  constructor(
    readonly rig: Rig,
    readonly options: CallbackDelayOptions,
    readonly hang: HangingHost,
    readonly stream: StreamingHost,
  ) {
    this.#hook = `${hang.url}/hook`;
  }

  /** The re-checks: their baselines timed, those with the hanging callback left waiting. */
  async startRechecks(): Promise<void> {
    try {
      const { rig } = this;
      const [rechecks] = await Promise.all([
        Promise.all(Array.from({ length: this.options.rechecks }, () => rig.startClocked(rig.recheck))),
        rig.init(),
      ]);
      this.#envs.push(...rechecks);
      // A warm-up change settled in each environment first.
      for (const fn of rechecks) checked("re-check (warm-up)", await (await settle(rig, fn)).running);
      await this.#rounds(
        rechecks,
        async (fn) => checked("re-check", await (await settle(rig, fn)).running).ms,
        (fn) => settle(rig, fn, this.#hook),
        { baselines: this.#recheckMs, hung: this.#hungRechecks },
      );
    } catch (error) {
      await Promise.allSettled(this.#hungRechecks);
      await this.#cleanUp();
      throw error;
    }
  }

  async requests(): Promise<void> {
    const { rig } = this;
    const https = await Promise.all(Array.from({ length: this.options.requests }, () => rig.startHttp()));
    this.#envs.push(...https);
    // Two more no-op changes first in each environment, so the timed ones meet code as warm as later ones do.
    for (const fn of https) for (let i = 0; i < 2; i++) await rig.noop(fn, "gcp");
    await this.#rounds(
      https,
      async (fn) => checked("no-op change", await invokeCapped(fn, rig.noopEvent("gcp"))).ms,
      async (fn) => ({ running: invokeCapped(fn, rig.noopEvent("gcp", this.#hook)) }),
      { baselines: this.#requestMs, hung: this.#hungRequests },
    );
    this.#connectionsAtLaunch = this.hang.connections();
    // Memory with a streaming callback host, meanwhile (the Azure peer: no other section touches it).
    this.#memory = (async () => ({
      without: await measureMemory(rig),
      with: await measureMemory(rig, this.stream.url),
    }))();
    this.#memory.catch(() => undefined);
  }

  async finish(): Promise<CallbackDelayResult> {
    try {
      const hungRecheck = await Promise.all(this.#hungRechecks);
      const hungRequest = await Promise.all(this.#hungRequests);
      // One that answered (did not wait out its timeout) must have done its job, or its time means nothing.
      for (const r of hungRecheck) if (!r.timedOut) checked("re-check with callbackUrl", r);
      for (const r of hungRequest) if (!r.timedOut) checked("no-op change with callbackUrl", r);
      if (!this.#memory || hungRequest.length === 0) throw new Error("callbackDelay: requests() was not run");
      const mem = await this.#memory;
      return reportCallbackDelay(this.rig, this.options, {
        requestMs: this.#requestMs,
        recheckMs: this.#recheckMs,
        hungRequest,
        hungRecheck,
        mem,
        connections: { atLaunch: this.#connectionsAtLaunch, total: this.hang.connections() },
        stream: { requests: this.stream.requests(), sentBytes: this.stream.sentBytes() },
      });
    } finally {
      await this.#memory?.catch(() => undefined);
      await this.#cleanUp();
    }
  }

  /**
   * Per environment, the baseline (no callbackUrl), then the same with the hanging callback; `rounds` times over
   * the environments not left hanging (one that waits stays out).
   */
  async #rounds(
    envs: readonly LambdaProcess[],
    baseline: (fn: LambdaProcess) => Promise<number>,
    withCallback: (fn: LambdaProcess) => Promise<{ running: Promise<Capped> }>,
    into: { baselines: number[]; hung: Promise<Capped>[] },
  ): Promise<void> {
    const hanging = new Set<LambdaProcess>();
    for (let round = 0; round < this.options.rounds; round++) {
      for (const fn of envs) {
        if (hanging.has(fn)) continue;
        into.baselines.push(await baseline(fn));
        const { running, hung } = await this.#launch(() => withCallback(fn));
        into.hung.push(running);
        if (hung) hanging.add(fn);
      }
    }
  }

  /**
   * With the hanging callback, each is started once the previous one is in its callback (or done), so they
   * wait out their timeouts together; each frees its peering before it calls back, so the next can start.
   */
  async #launch(start: () => Promise<{ running: Promise<Capped> }>): Promise<Launched> {
    const before = this.hang.connections();
    const { running } = await start();
    const until = Date.now() + 10_000;
    let done = false;
    void running.finally(() => {
      done = true;
    });
    while (!done && this.hang.connections() === before && Date.now() < until) await sleep(2);
    return { running, hung: !done };
  }

  async #cleanUp(): Promise<void> {
    for (const fn of this.#envs) await fn.stop();
    await Promise.all([this.hang.close(), this.stream.close()]);
  }
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
