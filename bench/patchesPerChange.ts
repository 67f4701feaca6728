import type { LambdaProcess } from "../local/lambda/runtime.js";
import { type ChangeState, isTerminal } from "../src/domain/peering/status.js";
import { type Figure, figure } from "./report.js";
import {
  at,
  countPatches,
  type Driven,
  type PatchCount,
  type Rig,
  scheduledEvent,
  sleep,
  statusOf,
} from "./rig.js";

/** One scenario: what was done, what Atlas saw, how the change ended; or why it could not be measured. */
export interface ScenarioResult {
  key: string;
  label: string;
  method: string;
  count?: PatchCount;
  /** The HTTP status the change request got (0: the function died or threw). */
  answerStatus?: number;
  end?: Driven;
  notes?: Record<string, unknown>;
  notMeasured?: string;
}

export interface PatchesPerChangeResult {
  figures: Figure[];
  details: { method: string; scenarios: ScenarioResult[] };
}

const EXACTLY_ONE = { on: "value", max: 1, min: 1, text: "exactly 1" } as const;

/**
 * Effective PATCHes per change under Atlas faults, on the artefact: each scenario is one change request through
 * the packaged http function (the drop-in v2 PATCH) on the AWS demo peer, driven to its end as production would
 * (its schedules fired into a clocked recheck environment at their times, the sweeper where the scenario calls
 * for it), then the PATCHes Atlas received for the peer are sorted: digest challenges, refused by the injected
 * fault, applied (the effective ones), applied with the answer lost. Faults match PATCHes of that peer only.
 */
export async function benchPatchesPerChange(
  rig: Rig,
  options: { duplicates: number; meanwhile?: () => Promise<void> },
): Promise<PatchesPerChangeResult> {
  await rig.init();
  const { stack } = rig;
  const { headersTimeoutMs } = rig.config.http.atlasTimeouts;
  let pending:
    | {
        duplicates: Promise<LambdaProcess[]>;
        fastHttp: Promise<LambdaProcess>;
        fastSweeper: Promise<LambdaProcess>;
        killable: Promise<LambdaProcess>;
        sweeper: Promise<LambdaProcess>;
      }
    | undefined;
  /** What later scenarios need, started while (c) waits. */
  const startPending = () => {
    pending ??= {
      duplicates: Promise.all(
        Array.from({ length: options.duplicates }, () => rig.startClocked(rig.recheck)),
      ),
      // (e): a re-check delay short enough for the sweeper to find the change overdue while its PATCH is in flight.
      fastHttp: rig.startHttp({ RECHECK_DELAY_SECONDS: "0.5" }),
      fastSweeper: rig.startClocked(rig.sweeper, {
        RECHECK_DELAY_SECONDS: "0.5",
        SWEEP_GRACE_SECONDS: "0.1",
      }),
      killable: rig.startHttp(),
      sweeper: rig.startClocked(rig.sweeper),
    };
    for (const p of Object.values(pending)) p.catch(() => undefined);
    return pending;
  };
  const scenarios: ScenarioResult[] = [];
  const scenario = async (
    key: string,
    label: string,
    method: string,
    body: () => Promise<Omit<ScenarioResult, "key" | "label" | "method">>,
    started = performance.now(),
  ) => {
    try {
      const result = await body();
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      scenarios.push({ key, label, method, ...result, notes: { ...result.notes, seconds } });
    } catch (error) {
      scenarios.push({ key, label, method, notMeasured: (error as Error).message.slice(0, 300) });
    } finally {
      stack.sim.faults.clear();
      // Whatever became of the scenario, its change must be over before the next one asks for the peer.
      const cleanedUp = await rig.endOpen().catch((error: unknown) => [`clean-up failed: ${String(error)}`]);
      const done = scenarios.find((s) => s.key === key);
      if (done && cleanedUp.length > 0) done.notes = { ...done.notes, cleanedUp };
    }
  };
  const patch = (fn: LambdaProcess, query = "") =>
    fn.invoke(stack.apiEvent("PATCH", `${stack.path}${query}`, { body: stack.body(rig.nextCidr()) }));

  let meanwhileError: unknown;
  try {
    // (c) first: its request waits out Atlas's latency for most of a minute, the machine idle, so `meanwhile`
    // (timed work of another section) runs then, and the environments the later scenarios need start after it.
    const latencyMs = headersTimeoutMs + 1_000;
    const cMark = stack.io.mark();
    rig.inject({ latencyMs });
    const cStarted = performance.now();
    const cRequest = patch(rig.driver).then((outcome) => ({
      outcome,
      requestMs: Math.round(performance.now() - cStarted),
    }));
    cRequest.catch(() => undefined);
    await options.meanwhile?.().catch((error: unknown) => {
      meanwhileError = error;
    });
    startPending();
    await scenario(
      "c",
      `Atlas slower than the gateway's timeout (${latencyMs / 1000} s > ATLAS_HEADERS_TIMEOUT_MS ${headersTimeoutMs / 1000} s), applies it`,
      `Every PATCH of the peer is answered after ${latencyMs} ms while the request runs (Atlas applies it after the ` +
        "delay, whether or not the gateway still waits); the fault is cleared when the request has answered, the " +
        "bench waits until every delayed PATCH has been applied, then the re-checks run.",
      async () => {
        const { outcome, requestMs } = await cRequest;
        stack.sim.faults.clear();
        await rig.landed(cMark, latencyMs);
        const end = await rig.drive(rig.changeIdOf("(c)", outcome));
        const count = countPatches(rig.patchesSince(cMark), 0);
        return { count, answerStatus: statusOf(outcome), end, notes: { requestMs } };
      },
      cStarted,
    );
    if (meanwhileError) throw meanwhileError;
    const later = startPending();

    await scenario("a", "no fault", "PATCH answered 200 INITIATING; re-checks until SUCCEEDED.", async () => {
      const mark = stack.io.mark();
      const outcome = await patch(rig.driver);
      const end = await rig.drive(rig.changeIdOf("(a)", outcome));
      return { count: countPatches(rig.patchesSince(mark), 0), answerStatus: statusOf(outcome), end };
    });

    await scenario(
      "b",
      "Atlas 503 ×3, then OK",
      "A status fault answers the first 3 PATCHes with 503 SERVICE_UNAVAILABLE (no Retry-After), then Atlas works.",
      async () => {
        const mark = stack.io.mark();
        const fault = rig.inject({ status: 503, count: 3 });
        const outcome = await patch(rig.driver);
        const end = await rig.drive(rig.changeIdOf("(b)", outcome));
        const count = countPatches(rig.patchesSince(mark), rig.consumed(fault));
        return { count, answerStatus: statusOf(outcome), end };
      },
    );

    await scenario(
      "d",
      `${options.duplicates} duplicate deliveries of one re-check of a RETRYING change`,
      "Every PATCH of the request is answered 503, so the change is RETRYING with a re-check scheduled; the fault " +
        `is cleared, then that schedule's input is delivered ${options.duplicates} times at once, at its time, to ` +
        `${options.duplicates} clocked recheck environments (as Lambda runs concurrent deliveries); then the ` +
        "change is driven to its end.",
      async () => {
        const mark = stack.io.mark();
        const fault = rig.inject({ status: 503, count: 1_000_000 });
        const outcome = await patch(rig.driver);
        const refused = rig.consumed(fault);
        stack.sim.faults.clear();
        const changeId = rig.changeIdOf("(d)", outcome);
        const schedule = rig.nextSchedule(changeId);
        if (!schedule)
          throw new Error(`the change is not RETRYING with a schedule (answer ${statusOf(outcome)})`);
        const fired = rig.fire(schedule);
        const envs = await later.duplicates;
        const deliveries = await Promise.all(envs.map((fn) => fn.invoke(at(fired.event, fired.at))));
        const outcomes: Record<string, number> = {};
        for (const d of deliveries) {
          const r = d.result as { kind?: string; state?: string; reason?: string } | undefined;
          const kind = d.error
            ? `error ${d.error.errorType}`
            : r?.kind === "checked"
              ? `checked → ${r.state}`
              : `skipped: ${r?.reason}`;
          outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        }
        const end = await rig.drive(changeId);
        const count = countPatches(rig.patchesSince(mark), refused);
        return { count, answerStatus: statusOf(outcome), end, notes: { duplicateOutcomes: outcomes } };
      },
    );

    await scenario(
      "e",
      "sweeper runs while the request's PATCH is in flight",
      "Atlas answers the request's PATCH after 3 s. The http and sweeper environments run with " +
        "RECHECK_DELAY_SECONDS=0.5 and the sweeper with SWEEP_GRACE_SECONDS=0.1 (production: 60 s and 120 s, and " +
        "the grace must be positive), so that the change, recorded before its PATCH went out, is overdue 0.6 s " +
        "later; the packaged sweeper is invoked 0.7 s after Atlas received the PATCH, on the real clock, while " +
        "the request still waits. Then the request's answer, every delayed PATCH applied, the change driven to " +
        "its end.",
      async () => {
        const [http, sweeper] = await Promise.all([later.fastHttp, later.fastSweeper]);
        const mark = stack.io.mark();
        rig.inject({ latencyMs: 3_000, count: 1 });
        const request = patch(http);
        const arrived = await rig.patchArrived(mark);
        await sleep(arrived.at + 700 - Date.now());
        const sweep = await sweeper.invoke(at(scheduledEvent(), Date.now()));
        const outcome = await request;
        await rig.landed(mark, 3_000);
        const end = await rig.drive(rig.changeIdOf("(e)", outcome));
        const count = countPatches(rig.patchesSince(mark), 0);
        return { count, answerStatus: statusOf(outcome), end, notes: { sweep: sweep.result ?? sweep.error } };
      },
    );

    await scenario(
      "f",
      "?envelope=true, Atlas enveloped 503 then OK",
      "The drop-in PATCH with ?envelope=true; the first PATCH is answered HTTP 200 with " +
        '{"status": 503, "content": SERVICE_UNAVAILABLE} (the simulator envelopes faults too), then Atlas works.',
      async () => {
        const mark = stack.io.mark();
        const fault = rig.inject({ status: 503, count: 1 });
        const outcome = await patch(rig.driver, "?envelope=true");
        const end = await rig.drive(rig.changeIdOf("(f)", outcome));
        const count = countPatches(rig.patchesSince(mark), rig.consumed(fault));
        return { count, answerStatus: statusOf(outcome), end };
      },
    );

    await scenario(
      "g",
      "function SIGKILLed with its PATCH in flight at Atlas",
      "Atlas answers the PATCH after 1.5 s; once Atlas has read it (the request is in the simulator's log, " +
        "authenticated) the http function's process is SIGKILLed, so no answer, no record of it and no schedule. " +
        "After Atlas applied it, the packaged sweeper (production settings, its clock at 5-minute rule runs " +
        "after the request) runs until it finds the change; then the change is driven to its end.",
      async () => {
        const [http, sweeper] = await Promise.all([later.killable, later.sweeper]);
        const mark = stack.io.mark();
        rig.inject({ latencyMs: 1_500, count: 1 });
        const t0 = Date.now();
        const cidr = rig.nextCidr();
        const request = http
          .invoke(stack.apiEvent("PATCH", stack.path, { body: stack.body(cidr) }))
          .catch((error: unknown) => ({ killed: String(error) }));
        await rig.patchArrived(mark);
        await http.stop();
        const killed = await request;
        await rig.landed(mark, 1_500);
        stack.sim.faults.clear();
        const sweeps: unknown[] = [];
        let changeId: string | undefined;
        let outcome: string | undefined;
        for (let run = 1; run <= 12 && !changeId; run++) {
          const sweep = await sweeper.invoke(at(scheduledEvent(), t0 + run * 300_000));
          sweeps.push(sweep.result ?? sweep.error);
          const results =
            (sweep.result as { results?: { changeId?: string; outcome?: string }[] } | undefined)?.results ??
            [];
          // The killed request's change is the one asking for its CIDR (the sweeper may find others).
          for (const r of results) {
            if (!r.changeId || !(await rig.view(r.changeId))?.includes(cidr)) continue;
            changeId = r.changeId;
            outcome = r.outcome;
            rig.opened(changeId);
            break;
          }
        }
        if (!changeId) throw new Error("no sweep within an hour of the request re-checked its change");
        const ended = outcome !== undefined && isTerminal(outcome as ChangeState);
        if (ended) rig.opened(changeId, false);
        const end = ended
          ? { state: String(outcome), rechecks: [`sweeper: ${outcome}`] }
          : await rig.drive(changeId);
        const count = countPatches(rig.patchesSince(mark), 0);
        return { count, answerStatus: 0, end, notes: { killed, sweeps } };
      },
    );
  } finally {
    const envs = await Promise.allSettled(Object.values(pending ?? {}));
    for (const env of envs) {
      if (env.status !== "fulfilled") continue;
      for (const fn of Array.isArray(env.value) ? env.value : [env.value]) await fn.stop();
    }
  }

  const base = scenarios.find((s) => s.key === "a")?.count?.applied;
  scenarios.sort((x, y) => x.key.localeCompare(y.key));
  const figures = scenarios.map((s) => {
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
  });
  return {
    figures,
    details: {
      method:
        "Per scenario: one drop-in v2 PATCH (a CIDR the AWS demo peer never had) through the packaged http " +
        "function (a warm environment unless the scenario needs its own), faults on that peer's PATCHes only; " +
        "then the change is driven to its end: each newest schedule's input is invoked, at the schedule's time " +
        "(bench/clock.mjs), in a clocked environment of the packaged recheck function, until a re-check ends it. " +
        "Counted: every PATCH Atlas received for the peer from the request on. applied = authenticated − " +
        "refused by the injected status fault (the simulator's fault queue says how many it answered) − the " +
        "simulator's own 4xx; a PATCH whose answer the gateway never read (status 0) was still applied (latency " +
        "faults delay after the request is read, before it is applied). Baseline: scenario (a). Goal: exactly 1.",
      scenarios,
    },
  };
}
