import type { EmulatedSchedule } from "../local/aws/scheduler.js";
import type { Invocation, LambdaProcess } from "../local/lambda/runtime.js";
import type { ChangeState } from "../src/domain/peering/status.js";
import { isTerminal } from "../src/domain/peering/status.js";
import { type Config, loadConfig } from "../src/wiring/config.js";
import { changeIdOf, checkAnswered, statusOf } from "./answers.js";
import type { Target, Variant } from "./artefact.js";
import { AwsPeerAtlas } from "./awsPeerAtlas.js";
import { at, CLOCK_OPTIONS, sleep } from "./invocation.js";
import { scheduledEvent } from "./lambdaEvents.js";
import { SIM_STEP_MS } from "./settle.js";
import type { BenchStack } from "./stack.js";

/**
 * What the follow-up sections (patchesPerChange.ts, refusedHour.ts, callbackDelay.ts) share: environments of the
 * packaged functions (some with the bench's clock), the PATCHes Atlas saw for the AWS demo peer, and driving a
 * change to its end the way EventBridge Scheduler would, one schedule after the other at the schedule's time.
 */

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
  /** What Atlas sees for the AWS demo peer, every change of these sections is on (only AWS peers change in place). */
  readonly atlas: AwsPeerAtlas;
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
    this.atlas = new AwsPeerAtlas(stack.path, stack.io, stack.sim.faults);
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
