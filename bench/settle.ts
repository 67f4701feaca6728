import type { EmulatedSchedule, SchedulerEmulator } from "../local/aws/scheduler.js";
import type { FunctionSpec } from "../local/lambda/functions.js";
import type { Invocation, LambdaProcess } from "../local/lambda/runtime.js";
import type { Package } from "./packaging.js";

/** The simulator's step: a PATCHed peer shows AVAILABLE 3 steps later, so a re-check fired then settles it. */
export const SIM_STEP_MS = 10;

type StartEnvironment = (spec: FunctionSpec, codeDir: string) => Promise<{ fn: LambdaProcess }>;

type RecheckResult = { kind?: string; state?: string; reason?: string } | undefined;

/**
 * Settles the changes §2–§4 make, untimed, so every timed request finds its peering free: the gateway allows one
 * change per peering at a time. One warm environment of the packaged recheck function, started on first use,
 * is what the Scheduler emulator invokes when the bench fires a change's schedule.
 */
export class ChangeSettler {
  readonly #outcomes = new Map<string, Invocation>();
  #recheck: LambdaProcess | undefined;
  #recheckDir: string | undefined;

  constructor(
    readonly pkg: Package,
    readonly scheduler: SchedulerEmulator,
    readonly start: StartEnvironment,
  ) {}

  /** Where the unpacked recheck function lives (set once the package is unpacked). */
  setRecheckDir(dir: string): void {
    this.#recheckDir = dir;
  }

  /** The Scheduler emulator's target: a re-check schedule invokes the warm recheck environment with its input. */
  async onFire(schedule: EmulatedSchedule): Promise<void> {
    const target = this.pkg.specs.find((spec) => spec.arn === schedule.input.Target?.Arn);
    if (target?.key !== "recheck" || !this.#recheck) return;
    const input = JSON.parse(schedule.input.Target?.Input ?? "null") as { changeId: string };
    this.#outcomes.set(input.changeId, await this.#recheck.invoke(input));
  }

  /**
   * Ends the change `changeId` the way production does: fires its re-check schedule, which invokes the packaged
   * recheck function; once the simulator shows the peer AVAILABLE (3 steps after the PATCH) the change SUCCEEDS
   * and its peering lock is released, so the next PATCH finds it free. Returns how many re-checks it took.
   */
  async settle(changeId: string, patchedAt: number): Promise<number> {
    await this.#startRecheck();
    const { scheduler } = this;
    let since = patchedAt;
    for (let fired = 1; fired <= 20; fired++) {
      const wait = since + 3 * SIM_STEP_MS + 5 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const schedule = [...scheduler.schedules.values()].find((s) =>
        String(s.input.Target?.Input ?? "").includes(changeId),
      );
      if (!schedule) throw new Error(`change ${changeId} has no re-check schedule to fire`);
      await scheduler.fire(schedule.name, schedule.groupName);
      if (this.#settled(changeId)) return fired;
      since = Date.now();
    }
    throw new Error(`change ${changeId} did not settle after 20 re-checks`);
  }

  async close(): Promise<void> {
    if (this.#recheck) await this.#recheck.stop();
  }

  async #startRecheck(): Promise<void> {
    if (this.#recheck) return;
    const spec = this.pkg.specs.find((s) => s.key === "recheck");
    const dir = this.#recheckDir;
    if (!spec || !dir) throw new Error("the package has no recheck function");
    this.#recheck = (await this.start(spec, dir)).fn;
  }

  /** Whether the last re-check ended the change; throws if it neither ended it nor still follows it. */
  #settled(changeId: string): boolean {
    const outcome = this.#outcomes.get(changeId);
    const result = outcome?.result as RecheckResult;
    if (result?.state === "SUCCEEDED" || result?.reason === "already ended") return true;
    const following = result?.state === "IN_PROGRESS" || result?.state === "WAITING_FOR_USER";
    if (outcome?.error || !following)
      throw new Error(`re-check of ${changeId} ended ${JSON.stringify(outcome)}`);
    return false;
  }
}
