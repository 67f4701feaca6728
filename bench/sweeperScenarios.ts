import type { LambdaProcess } from "../local/lambda/runtime.js";
import { type ChangeState, isTerminal } from "../src/domain/peering/status.js";
import { statusOf } from "./answers.js";
import { countPatches } from "./awsPeerAtlas.js";
import { at, sleep } from "./invocation.js";
import { scheduledEvent } from "./lambdaEvents.js";
import type { Scenario } from "./patchScenarios.js";
import { patchThrough } from "./patchScenarios.js";
import type { Rig } from "./rig.js";

/**
 * §6.1's scenarios where the packaged sweeper meets a change its request has not finished with: (e) while the
 * PATCH is in flight, (g) after the function died with it in flight. Each has environments of its own.
 */

/** (e): the sweeper invoked 0.7 s after Atlas received the PATCH, while the request still waits on it. */
export function sweepDuringPatch(
  rig: Rig,
  fastHttp: Promise<LambdaProcess>,
  fastSweeper: Promise<LambdaProcess>,
): Scenario {
  return {
    key: "e",
    label: "sweeper runs while the request's PATCH is in flight",
    method:
      "Atlas answers the request's PATCH after 3 s. The http and sweeper environments run with " +
      "RECHECK_DELAY_SECONDS=0.5 and the sweeper with SWEEP_GRACE_SECONDS=0.1 (production: 60 s and 120 s, and " +
      "the grace must be positive), so that the change, recorded before its PATCH went out, is overdue 0.6 s " +
      "later; the packaged sweeper is invoked 0.7 s after Atlas received the PATCH, on the real clock, while " +
      "the request still waits. Then the request's answer, every delayed PATCH applied, the change driven to " +
      "its end.",
    measure: async () => {
      const [http, sweeper] = await Promise.all([fastHttp, fastSweeper]);
      const mark = rig.stack.io.mark();
      rig.atlas.inject({ latencyMs: 3_000, count: 1 });
      const request = patchThrough(rig, http);
      const arrived = await rig.atlas.patchArrived(mark);
      await sleep(arrived.at + 700 - Date.now());
      const sweep = await sweeper.invoke(at(scheduledEvent(), Date.now()));
      const outcome = await request;
      await rig.atlas.landed(mark, 3_000);
      const end = await rig.drive(rig.changeIdOf("(e)", outcome));
      const count = countPatches(rig.atlas.patchesSince(mark), 0);
      return { count, answerStatus: statusOf(outcome), end, notes: { sweep: sweep.result ?? sweep.error } };
    },
  };
}

/** (g): the http function SIGKILLed once Atlas has read its PATCH; the sweeper finds the change later. */
export function killedInFlight(
  rig: Rig,
  killable: Promise<LambdaProcess>,
  sweeper: Promise<LambdaProcess>,
): Scenario {
  return {
    key: "g",
    label: "function SIGKILLed with its PATCH in flight at Atlas",
    method:
      "Atlas answers the PATCH after 1.5 s; once Atlas has read it (the request is in the simulator's log, " +
      "authenticated) the http function's process is SIGKILLed, so no answer, no record of it and no schedule. " +
      "After Atlas applied it, the packaged sweeper (production settings, its clock at 5-minute rule runs " +
      "after the request) runs until it finds the change; then the change is driven to its end.",
    measure: async () => {
      const [http, sweep] = await Promise.all([killable, sweeper]);
      const mark = rig.stack.io.mark();
      rig.atlas.inject({ latencyMs: 1_500, count: 1 });
      const t0 = Date.now();
      const cidr = rig.nextCidr();
      const killed = await killWithPatchInFlight(rig, http, mark, cidr);
      const { changeId, outcome, sweeps } = await sweepUntilFound(rig, sweep, t0, cidr);
      const ended = outcome !== undefined && isTerminal(outcome as ChangeState);
      if (ended) rig.opened(changeId, false);
      const end = ended
        ? { state: String(outcome), rechecks: [`sweeper: ${outcome}`] }
        : await rig.drive(changeId);
      const count = countPatches(rig.atlas.patchesSince(mark), 0);
      return { count, answerStatus: 0, end, notes: { killed, sweeps } };
    },
  };
}

/** The PATCH to `cidr` through `http`, whose process is SIGKILLed once Atlas has read it; waits till it lands. */
async function killWithPatchInFlight(rig: Rig, http: LambdaProcess, mark: number, cidr: string) {
  const { stack } = rig;
  const request = http
    .invoke(stack.apiEvent("PATCH", stack.path, { body: stack.body(cidr) }))
    .catch((error: unknown) => ({ killed: String(error) }));
  await rig.atlas.patchArrived(mark);
  await http.stop();
  const killed = await request;
  await rig.atlas.landed(mark, 1_500);
  stack.sim.faults.clear();
  return killed;
}

type SweepResults = { results?: { changeId?: string; outcome?: string }[] } | undefined;

/**
 * The sweeper run at the 5-minute rule's times after `t0` (an hour at most) until a sweep re-checks the change
 * asking for `cidr`; that change is remembered as open.
 */
async function sweepUntilFound(rig: Rig, sweeper: LambdaProcess, t0: number, cidr: string) {
  const sweeps: unknown[] = [];
  for (let run = 1; run <= 12; run++) {
    const sweep = await sweeper.invoke(at(scheduledEvent(), t0 + run * 300_000));
    sweeps.push(sweep.result ?? sweep.error);
    // The killed request's change is the one asking for its CIDR (the sweeper may find others).
    for (const r of (sweep.result as SweepResults)?.results ?? []) {
      if (!r.changeId || !(await rig.view(r.changeId))?.includes(cidr)) continue;
      rig.opened(r.changeId);
      return { changeId: r.changeId, outcome: r.outcome, sweeps };
    }
  }
  throw new Error("no sweep within an hour of the request re-checked its change");
}
