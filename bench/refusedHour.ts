import type { EmulatedSchedule } from "../local/aws/scheduler.js";
import type { LambdaProcess } from "../local/lambda/runtime.js";
import { statusOf } from "./answers.js";
import { at } from "./invocation.js";
import { type Figure, figure, round } from "./report.js";
import type { Driven, Rig } from "./rig.js";

const HOUR = 3_600_000;

/** One re-check of the refused change: when (ms after the request, on the controlled clock) and what it sent. */
interface Recheck {
  atMs: number;
  patches: number;
  gets: number;
  state: string;
}

export interface RefusedHourResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/**
 * PATCHes per hour for a change Atlas keeps refusing with 503, on the artefact with a controlled clock: the
 * drop-in PATCH through the packaged http function while Atlas answers every PATCH of the peer 503 (GETs work),
 * then each re-check schedule the change makes is invoked with its input at its time in one environment of the
 * packaged recheck function with the bench's clock (bench/clock.mjs), for `hours` simulated hours. Baseline: the
 * pre-backoff cadence, a re-check every RECHECK_DELAY_SECONDS, each sending what a re-send sends here.
 */
export async function benchRefusedHour(rig: Rig, options: { hours: number }): Promise<RefusedHourResult> {
  await rig.init();
  // The client's in-invocation backoff (250 ms base, 8 s cap) would cost real seconds per re-check; 1 ms keeps
  // the count (ATLAS_MAX_ATTEMPTS attempts, the deadline is far) and the run short.
  const recheck = await rig.startClocked(rig.recheck, { ATLAS_RETRY_BASE_MS: "1", ATLAS_RETRY_MAX_MS: "1" });
  let run: RefusedRun;
  try {
    run = await refuseForHours(rig, recheck, options.hours);
  } finally {
    rig.stack.sim.faults.clear();
    await recheck.stop();
    await rig.endOpen();
  }
  return report(rig, options.hours, run);
}

/** What the refused change cost Atlas: the request's PATCHes, each re-check's, why it stopped, how it ended. */
interface RefusedRun {
  answerStatus: number;
  requestPatches: number;
  rechecks: Recheck[];
  stoppedBecause: string;
  end: Driven;
}

/** The request while Atlas refuses every PATCH, its re-checks for `hours`, then Atlas recovers. */
async function refuseForHours(rig: Rig, recheck: LambdaProcess, hours: number): Promise<RefusedRun> {
  const { stack } = rig;
  const mark = stack.io.mark();
  rig.atlas.inject({ status: 503, count: 1_000_000 });
  const t0 = Date.now();
  const outcome = await rig.driver.invoke(stack.patchEvent(rig.nextCidr()));
  const answerStatus = statusOf(outcome);
  const changeId = rig.changeIdOf("refused change", outcome);
  const requestPatches = rig.atlas.patchesSince(mark).filter((r) => r.authenticated).length;
  const { rechecks, stoppedBecause } = await followRechecks(rig, recheck, changeId, t0, hours);
  // Atlas recovers: the change is driven to its end so the peering is free again.
  stack.sim.faults.clear();
  const end = await rig.drive(changeId);
  return { answerStatus, requestPatches, rechecks, stoppedBecause, end };
}

/** Each schedule the change makes, invoked at its time, until `hours` after `t0` or the change stops retrying. */
async function followRechecks(rig: Rig, recheck: LambdaProcess, changeId: string, t0: number, hours: number) {
  const rechecks: Recheck[] = [];
  for (;;) {
    const schedule = rig.nextSchedule(changeId);
    if (!schedule) return { rechecks, stoppedBecause: "no re-check scheduled" };
    if (schedule.fireAt >= t0 + hours * HOUR) return { rechecks, stoppedBecause: `reached ${hours} h` };
    const done = await recheckAt(rig, recheck, schedule, t0);
    rechecks.push(done);
    if (done.state !== "RETRYING") return { rechecks, stoppedBecause: `a re-check ended ${done.state}` };
    if (rechecks.length >= 5_000) return { rechecks, stoppedBecause: "5000 re-checks" };
  }
}

/** One re-check at its schedule's time, with what it sent Atlas. */
async function recheckAt(
  rig: Rig,
  recheck: LambdaProcess,
  schedule: EmulatedSchedule,
  t0: number,
): Promise<Recheck> {
  const fired = rig.fire(schedule);
  const m = rig.stack.io.mark();
  const checked = await recheck.invoke(at(fired.event, fired.at));
  const result = checked.result as { kind?: string; state?: string; reason?: string } | undefined;
  const state = checked.error
    ? `error ${checked.error.errorMessage}`
    : String(result?.state ?? result?.reason);
  return {
    atMs: fired.at - t0,
    patches: rig.atlas.patchesSince(m).filter((r) => r.authenticated).length,
    gets: rig.atlas.getsSince(m),
    state,
  };
}

/** PATCHes per hour and in the first hour, measured and as the fixed pre-backoff cadence would send them. */
function countsOf(rig: Rig, hours: number, run: RefusedRun) {
  const { rechecks, requestPatches } = run;
  const inWindow = (from: number, to: number) => rechecks.filter((r) => r.atMs >= from && r.atMs < to);
  const patchesIn = (list: Recheck[]) => list.reduce((sum, r) => sum + r.patches, 0);
  const resending = rechecks.filter((r) => r.patches > 0);
  const perResend = resending.length > 0 ? patchesIn(resending) / resending.length : Number.NaN;
  const laterHours = hours - 1;
  const later = inWindow(HOUR, hours * HOUR);
  const delayMs = rig.config.recheck.cadence.recheckDelayMs;
  return {
    resending,
    perResend,
    laterHours,
    later,
    delayMs,
    perHour: patchesIn(later) / laterHours,
    firstHour: requestPatches + patchesIn(inWindow(0, HOUR)),
    fixedPerHour: (HOUR / delayMs) * perResend,
    fixedFirstHour: requestPatches + (Math.ceil(HOUR / delayMs) - 1) * perResend,
  };
}

function report(rig: Rig, hours: number, run: RefusedRun): RefusedHourResult {
  const c = countsOf(rig, hours, run);
  const fixedLabel = `fixed ${c.delayMs / 1000} s re-check`;
  const label = "[artefact, controlled clock] PATCHes Atlas got for a change it refuses with 503";
  return {
    figures: [
      figure({
        id: "refusedHour.patchesPerHour",
        label: `${label}, per hour, hours 1–${hours}`,
        unit: "/h",
        gateway: c.perHour,
        baseline: c.fixedPerHour,
        baselineLabel: fixedLabel,
      }),
      figure({
        id: "refusedHour.firstHour",
        label: `${label}, first hour (the request's included)`,
        unit: "PATCH",
        gateway: c.firstHour,
        baseline: c.fixedFirstHour,
        baselineLabel: fixedLabel,
      }),
    ],
    details: detailsOf(hours, run, c),
  };
}

function detailsOf(hours: number, run: RefusedRun, c: ReturnType<typeof countsOf>): Record<string, unknown> {
  const { rechecks } = run;
  return {
    method: methodOf(hours, c.delayMs),
    hours,
    answerStatus: run.answerStatus,
    requestPatches: run.requestPatches,
    rechecks: rechecks.length,
    resends: c.resending.length,
    patchesPerResend: round(c.perResend, 2),
    resendsPerHourLater: round(c.later.filter((r) => r.patches > 0).length / c.laterHours, 2),
    getsPerHourLater: round(c.later.reduce((sum, r) => sum + r.gets, 0) / c.laterHours, 2),
    patchesFirstHour: c.firstHour,
    patchesPerHourLater: round(c.perHour, 2),
    baseline: {
      recheckDelaySeconds: c.delayMs / 1000,
      patchesPerHour: c.fixedPerHour,
      firstHour: c.fixedFirstHour,
    },
    stoppedBecause: run.stoppedBecause,
    end: run.end,
    recheckTimesMinutes: rechecks.map((r) => round(r.atMs / 60_000, 1)),
  };
}

function methodOf(hours: number, delayMs: number): string {
  return (
    "The drop-in PATCH through the packaged http function (real clock) while a status fault answers every " +
    "PATCH of the AWS demo peer 503 SERVICE_UNAVAILABLE (no Retry-After; GETs are answered). Then, until " +
    `${hours} simulated hours after the request, the change's newest schedule is invoked with its ` +
    "input at its fireAt in one environment of the packaged recheck function whose clock the bench sets " +
    "(bench/clock.mjs, NODE_OPTIONS=--import), with ATLAS_RETRY_BASE_MS=ATLAS_RETRY_MAX_MS=1 so the " +
    "client's in-invocation retries cost no real time (their number is unchanged). Counted: authenticated " +
    "PATCHes Atlas received. Baseline, computed: the pre-backoff cadence re-checked every " +
    `RECHECK_DELAY_SECONDS (${delayMs / 1000} s, the recheck function's configuration), each re-check ` +
    "re-sending as a re-send does here (PATCHes per re-send, measured). Then the fault is cleared and the " +
    "change driven to its end."
  );
}
