import type { LambdaProcess } from "../local/lambda/runtime.js";
import {
  duplicateDeliveries,
  envelopedRefusal,
  noFault,
  refusedThrice,
  type Scenario,
  type ScenarioResult,
  startSlowAtlas,
} from "./patchScenarios.js";
import { type Figure, figure } from "./report.js";
import type { Rig } from "./rig.js";
import { killedInFlight, sweepDuringPatch } from "./sweeperScenarios.js";

export interface PatchesPerChangeResult {
  figures: Figure[];
  details: { method: string; scenarios: ScenarioResult[] };
}

interface PatchesPerChangeOptions {
  duplicates: number;
  meanwhile?: () => Promise<void>;
}

const EXACTLY_ONE = { on: "value", max: 1, min: 1, text: "exactly 1" } as const;

const METHOD =
  "Per scenario: one drop-in v2 PATCH (a CIDR the AWS demo peer never had) through the packaged http " +
  "function (a warm environment unless the scenario needs its own), faults on that peer's PATCHes only; " +
  "then the change is driven to its end: each newest schedule's input is invoked, at the schedule's time " +
  "(bench/clock.mjs), in a clocked environment of the packaged recheck function, until a re-check ends it. " +
  "Counted: every PATCH Atlas received for the peer from the request on. applied = authenticated − " +
  "refused by the injected status fault (the simulator's fault queue says how many it answered) − the " +
  "simulator's own 4xx; a PATCH whose answer the gateway never read (status 0) was still applied (latency " +
  "faults delay after the request is read, before it is applied). Baseline: scenario (a). Goal: exactly 1.";

/**
 * Effective PATCHes per change under Atlas faults, on the artefact: each scenario is one change request through
 * the packaged http function (the drop-in v2 PATCH) on the AWS demo peer, driven to its end as production would
 * (its schedules fired into a clocked recheck environment at their times, the sweeper where the scenario calls
 * for it), then the PATCHes Atlas received for the peer are sorted: digest challenges, refused by the injected
 * fault, applied (the effective ones), applied with the answer lost. Faults match PATCHes of that peer only.
 */
export async function benchPatchesPerChange(
  rig: Rig,
  options: PatchesPerChangeOptions,
): Promise<PatchesPerChangeResult> {
  await rig.init();
  const scenarios: ScenarioResult[] = [];
  const later = new LaterEnvironments(rig, options.duplicates);
  try {
    await runScenarios(rig, options, later, scenarios);
  } finally {
    await later.stopAll();
  }
  const base = scenarios.find((s) => s.key === "a")?.count?.applied;
  scenarios.sort((x, y) => x.key.localeCompare(y.key));
  return { figures: scenarios.map((s) => figureOf(s, base)), details: { method: METHOD, scenarios } };
}

async function runScenarios(
  rig: Rig,
  options: PatchesPerChangeOptions,
  later: LaterEnvironments,
  scenarios: ScenarioResult[],
): Promise<void> {
  const run = (scenario: Scenario, started?: number) => runScenario(rig, scenarios, scenario, started);
  // (c) first: its request waits out Atlas's latency for most of a minute, the machine idle, so `meanwhile`
  // (timed work of another section) runs then, and the environments the later scenarios need start after it.
  const slowAtlas = startSlowAtlas(rig);
  let meanwhileError: unknown;
  await options.meanwhile?.().catch((error: unknown) => {
    meanwhileError = error;
  });
  const envs = later.start();
  await run(slowAtlas.scenario, slowAtlas.started);
  if (meanwhileError) throw meanwhileError;
  await run(noFault(rig));
  await run(refusedThrice(rig));
  await run(duplicateDeliveries(rig, options.duplicates, envs.duplicates));
  await run(sweepDuringPatch(rig, envs.fastHttp, envs.fastSweeper));
  await run(envelopedRefusal(rig));
  await run(killedInFlight(rig, envs.killable, envs.sweeper));
}

/**
 * Measures one scenario into `scenarios` (its error as `notMeasured`), then clears the faults and ends the
 * changes it left open: whatever became of it, its change must be over before the next one asks for the peer.
 */
async function runScenario(
  rig: Rig,
  scenarios: ScenarioResult[],
  { key, label, method, measure }: Scenario,
  started = performance.now(),
): Promise<void> {
  try {
    const result = await measure();
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    scenarios.push({ key, label, method, ...result, notes: { ...result.notes, seconds } });
  } catch (error) {
    scenarios.push({ key, label, method, notMeasured: (error as Error).message.slice(0, 300) });
  } finally {
    rig.stack.sim.faults.clear();
    const cleanedUp = await rig.endOpen().catch((error: unknown) => [`clean-up failed: ${String(error)}`]);
    const done = scenarios.find((s) => s.key === key);
    if (done && cleanedUp.length > 0) done.notes = { ...done.notes, cleanedUp };
  }
}

/** The environments scenarios (d), (e) and (g) need, started together while (c) waits. */
class LaterEnvironments {
  #started:
    | {
        duplicates: Promise<LambdaProcess[]>;
        fastHttp: Promise<LambdaProcess>;
        fastSweeper: Promise<LambdaProcess>;
        killable: Promise<LambdaProcess>;
        sweeper: Promise<LambdaProcess>;
      }
    | undefined;

  constructor(
    readonly rig: Rig,
    readonly duplicates: number,
  ) {}

  start() {
    const { rig } = this;
    this.#started ??= {
      duplicates: Promise.all(Array.from({ length: this.duplicates }, () => rig.startClocked(rig.recheck))),
      // (e): a re-check delay short enough for the sweeper to find the change overdue while its PATCH is in flight.
      fastHttp: rig.startHttp({ RECHECK_DELAY_SECONDS: "0.5" }),
      fastSweeper: rig.startClocked(rig.sweeper, {
        RECHECK_DELAY_SECONDS: "0.5",
        SWEEP_GRACE_SECONDS: "0.1",
      }),
      killable: rig.startHttp(),
      sweeper: rig.startClocked(rig.sweeper),
    };
    for (const p of Object.values(this.#started)) p.catch(() => undefined);
    return this.#started;
  }

  async stopAll(): Promise<void> {
    const envs = await Promise.allSettled(Object.values(this.#started ?? {}));
    for (const env of envs) {
      if (env.status !== "fulfilled") continue;
      for (const fn of Array.isArray(env.value) ? env.value : [env.value]) await fn.stop();
    }
  }
}

/** The table's row of a scenario: applied PATCHes, with what else Atlas received in the label. */
function figureOf(s: ScenarioResult, base: number | undefined): Figure {
  const id = `patchesPerChange.${s.key}`;
  if (!s.count) {
    return figure({
      id,
      label: `effective PATCHes: (${s.key}) ${s.label} — not measured: ${s.notMeasured}`,
      unit: "PATCH",
      gateway: Number.NaN,
    });
  }
  const c = s.count;
  const parts = [`sent ${c.sent}`];
  if (c.challenges > 0) parts.push(`${c.challenges} digest 401`);
  if (c.refused > 0) parts.push(`${c.refused} refused`);
  if (c.answersLost > 0) parts.push(`${c.answersLost} answer${c.answersLost > 1 ? "s" : ""} lost`);
  // "ended": the first re-check found it over already (the request itself had seen it through).
  const ended = s.end && !["SUCCEEDED", "ended"].includes(s.end.state) ? `, ended ${s.end.state}` : "";
  return figure({
    id,
    label: `effective PATCHes: (${s.key}) ${s.label} [${parts.join(", ")}${ended}]`,
    unit: "PATCH",
    gateway: c.applied,
    ...(s.key === "a" || base === undefined ? {} : { baseline: base, baselineLabel: "(a) no fault" }),
    goal: EXACTLY_ONE,
  });
}
