import { type Figure, figure, round } from "./report.js";
import { at, type Rig, statusOf } from "./rig.js";

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
  const { stack } = rig;
  // The client's in-invocation backoff (250 ms base, 8 s cap) would cost real seconds per re-check; 1 ms keeps
  // the count (ATLAS_MAX_ATTEMPTS attempts, the deadline is far) and the run short.
  const recheck = await rig.startClocked(rig.recheck, { ATLAS_RETRY_BASE_MS: "1", ATLAS_RETRY_MAX_MS: "1" });
  const rechecks: Recheck[] = [];
  let requestPatches = 0;
  let answerStatus = 0;
  let stoppedBecause = `reached ${options.hours} h`;
  let end: Awaited<ReturnType<Rig["drive"]>> | undefined;
  try {
    const mark = stack.io.mark();
    rig.inject({ status: 503, count: 1_000_000 });
    const t0 = Date.now();
    const outcome = await rig.driver.invoke(stack.patchEvent(rig.nextCidr()));
    answerStatus = statusOf(outcome);
    const changeId = rig.changeIdOf("refused change", outcome);
    requestPatches = rig.patchesSince(mark).filter((r) => r.authenticated).length;
    for (;;) {
      const schedule = rig.nextSchedule(changeId);
      if (!schedule) {
        stoppedBecause = "no re-check scheduled";
        break;
      }
      if (schedule.fireAt >= t0 + options.hours * HOUR) break;
      const fired = rig.fire(schedule);
      const m = stack.io.mark();
      const checked = await recheck.invoke(at(fired.event, fired.at));
      const result = checked.result as { kind?: string; state?: string; reason?: string } | undefined;
      const state = checked.error
        ? `error ${checked.error.errorMessage}`
        : String(result?.state ?? result?.reason);
      rechecks.push({
        atMs: fired.at - t0,
        patches: rig.patchesSince(m).filter((r) => r.authenticated).length,
        gets: rig.getsSince(m),
        state,
      });
      if (state !== "RETRYING") {
        stoppedBecause = `a re-check ended ${state}`;
        break;
      }
      if (rechecks.length >= 5_000) {
        stoppedBecause = "5000 re-checks";
        break;
      }
    }
    // Atlas recovers: the change is driven to its end so the peering is free again.
    stack.sim.faults.clear();
    end = await rig.drive(changeId);
  } finally {
    stack.sim.faults.clear();
    await recheck.stop();
    await rig.endOpen();
  }

  const inWindow = (from: number, to: number) => rechecks.filter((r) => r.atMs >= from && r.atMs < to);
  const patchesIn = (list: Recheck[]) => list.reduce((sum, r) => sum + r.patches, 0);
  const resending = rechecks.filter((r) => r.patches > 0);
  const perResend = resending.length > 0 ? patchesIn(resending) / resending.length : Number.NaN;
  const laterHours = options.hours - 1;
  const later = inWindow(HOUR, options.hours * HOUR);
  const perHour = patchesIn(later) / laterHours;
  const firstHour = requestPatches + patchesIn(inWindow(0, HOUR));
  const delayMs = rig.config.recheck.cadence.recheckDelayMs;
  const fixedPerHour = (HOUR / delayMs) * perResend;
  const fixedFirstHour = requestPatches + (Math.ceil(HOUR / delayMs) - 1) * perResend;
  const fixedLabel = `fixed ${delayMs / 1000} s re-check`;
  const label = "[artefact, controlled clock] PATCHes Atlas got for a change it refuses with 503";
  return {
    figures: [
      figure({
        id: "refusedHour.patchesPerHour",
        label: `${label}, per hour, hours 1–${options.hours}`,
        unit: "/h",
        gateway: perHour,
        baseline: fixedPerHour,
        baselineLabel: fixedLabel,
      }),
      figure({
        id: "refusedHour.firstHour",
        label: `${label}, first hour (the request's included)`,
        unit: "PATCH",
        gateway: firstHour,
        baseline: fixedFirstHour,
        baselineLabel: fixedLabel,
      }),
    ],
    details: {
      method:
        "The drop-in PATCH through the packaged http function (real clock) while a status fault answers every " +
        "PATCH of the AWS demo peer 503 SERVICE_UNAVAILABLE (no Retry-After; GETs are answered). Then, until " +
        `${options.hours} simulated hours after the request, the change's newest schedule is invoked with its ` +
        "input at its fireAt in one environment of the packaged recheck function whose clock the bench sets " +
        "(bench/clock.mjs, NODE_OPTIONS=--import), with ATLAS_RETRY_BASE_MS=ATLAS_RETRY_MAX_MS=1 so the " +
        "client's in-invocation retries cost no real time (their number is unchanged). Counted: authenticated " +
        "PATCHes Atlas received. Baseline, computed: the pre-backoff cadence re-checked every " +
        `RECHECK_DELAY_SECONDS (${delayMs / 1000} s, the recheck function's configuration), each re-check ` +
        "re-sending as a re-send does here (PATCHes per re-send, measured). Then the fault is cleared and the " +
        "change driven to its end.",
      hours: options.hours,
      answerStatus,
      requestPatches,
      rechecks: rechecks.length,
      resends: resending.length,
      patchesPerResend: round(perResend, 2),
      resendsPerHourLater: round(later.filter((r) => r.patches > 0).length / laterHours, 2),
      getsPerHourLater: round(later.reduce((sum, r) => sum + r.gets, 0) / laterHours, 2),
      patchesFirstHour: firstHour,
      patchesPerHourLater: round(perHour, 2),
      baseline: {
        recheckDelaySeconds: delayMs / 1000,
        patchesPerHour: fixedPerHour,
        firstHour: fixedFirstHour,
      },
      stoppedBecause,
      end,
      recheckTimesMinutes: rechecks.map((r) => round(r.atMs / 60_000, 1)),
    },
  };
}
