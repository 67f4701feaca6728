import type { Invocation, LambdaProcess } from "../local/lambda/runtime.js";
import { statusOf } from "./answers.js";
import { countPatches, type PatchCount } from "./awsPeerAtlas.js";
import { at } from "./invocation.js";
import type { Driven, Rig } from "./rig.js";

/**
 * §6.1's scenarios on the rig's own http environment, and what every scenario is: (a) no fault, (b) 503 ×3,
 * (c) Atlas slower than the gateway's timeout, (d) duplicate deliveries of a re-check, (f) an enveloped 503.
 */

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

/** What a scenario measured (the runner adds its key, label and method). */
export type Measured = Omit<ScenarioResult, "key" | "label" | "method">;

export interface Scenario {
  key: string;
  label: string;
  method: string;
  measure(): Promise<Measured>;
}

/** The drop-in v2 PATCH moving the AWS demo peer to a fresh CIDR, through `fn`. */
export function patchThrough(rig: Rig, fn: LambdaProcess, query = ""): Promise<Invocation> {
  const { stack } = rig;
  return fn.invoke(stack.apiEvent("PATCH", `${stack.path}${query}`, { body: stack.body(rig.nextCidr()) }));
}

/** A scenario of one PATCH through the rig's http environment with `fault` injected (none: no fault). */
function throughFault(
  rig: Rig,
  fault: { key: string; label: string; method: string; count?: number; query?: string },
): Scenario {
  return {
    ...fault,
    measure: async () => {
      const mark = rig.stack.io.mark();
      const injected =
        fault.count === undefined ? undefined : rig.atlas.inject({ status: 503, count: fault.count });
      const outcome = await patchThrough(rig, rig.driver, fault.query);
      const end = await rig.drive(rig.changeIdOf(`(${fault.key})`, outcome));
      const count = countPatches(rig.atlas.patchesSince(mark), injected ? rig.atlas.consumed(injected) : 0);
      return { count, answerStatus: statusOf(outcome), end };
    },
  };
}

export const noFault = (rig: Rig) =>
  throughFault(rig, {
    key: "a",
    label: "no fault",
    method: "PATCH answered 200 INITIATING; re-checks until SUCCEEDED.",
  });

export const refusedThrice = (rig: Rig) =>
  throughFault(rig, {
    key: "b",
    label: "Atlas 503 ×3, then OK",
    method:
      "A status fault answers the first 3 PATCHes with 503 SERVICE_UNAVAILABLE (no Retry-After), then Atlas works.",
    count: 3,
  });

export const envelopedRefusal = (rig: Rig) =>
  throughFault(rig, {
    key: "f",
    label: "?envelope=true, Atlas enveloped 503 then OK",
    method:
      "The drop-in PATCH with ?envelope=true; the first PATCH is answered HTTP 200 with " +
      '{"status": 503, "content": SERVICE_UNAVAILABLE} (the simulator envelopes faults too), then Atlas works.',
    count: 1,
    query: "?envelope=true",
  });

/**
 * (c): Atlas answers every PATCH after the gateway's headers timeout + 1 s. Its request is started here, so its
 * minute of waiting can serve other work; the scenario's `measure` takes it from there.
 */
export function startSlowAtlas(rig: Rig): { scenario: Scenario; started: number } {
  const { headersTimeoutMs } = rig.config.http.atlasTimeouts;
  const latencyMs = headersTimeoutMs + 1_000;
  const mark = rig.stack.io.mark();
  rig.atlas.inject({ latencyMs });
  const started = performance.now();
  const request = patchThrough(rig, rig.driver).then((outcome) => ({
    outcome,
    requestMs: Math.round(performance.now() - started),
  }));
  request.catch(() => undefined);
  const scenario: Scenario = {
    key: "c",
    label: `Atlas slower than the gateway's timeout (${latencyMs / 1000} s > ATLAS_HEADERS_TIMEOUT_MS ${headersTimeoutMs / 1000} s), applies it`,
    method:
      `Every PATCH of the peer is answered after ${latencyMs} ms while the request runs (Atlas applies it after the ` +
      "delay, whether or not the gateway still waits); the fault is cleared when the request has answered, the " +
      "bench waits until every delayed PATCH has been applied, then the re-checks run.",
    measure: async () => {
      const { outcome, requestMs } = await request;
      rig.stack.sim.faults.clear();
      await rig.atlas.landed(mark, latencyMs);
      const end = await rig.drive(rig.changeIdOf("(c)", outcome));
      const count = countPatches(rig.atlas.patchesSince(mark), 0);
      return { count, answerStatus: statusOf(outcome), end, notes: { requestMs } };
    },
  };
  return { scenario, started };
}

/** (d): one re-check of a RETRYING change delivered `duplicates` times at once, to as many environments. */
export function duplicateDeliveries(rig: Rig, duplicates: number, envs: Promise<LambdaProcess[]>): Scenario {
  return {
    key: "d",
    label: `${duplicates} duplicate deliveries of one re-check of a RETRYING change`,
    method:
      "Every PATCH of the request is answered 503, so the change is RETRYING with a re-check scheduled; the fault " +
      `is cleared, then that schedule's input is delivered ${duplicates} times at once, at its time, to ` +
      `${duplicates} clocked recheck environments (as Lambda runs concurrent deliveries); then the ` +
      "change is driven to its end.",
    measure: async () => {
      const mark = rig.stack.io.mark();
      const fault = rig.atlas.inject({ status: 503, count: 1_000_000 });
      const outcome = await patchThrough(rig, rig.driver);
      const refused = rig.atlas.consumed(fault);
      rig.stack.sim.faults.clear();
      const changeId = rig.changeIdOf("(d)", outcome);
      const schedule = rig.nextSchedule(changeId);
      if (!schedule)
        throw new Error(`the change is not RETRYING with a schedule (answer ${statusOf(outcome)})`);
      const fired = rig.fire(schedule);
      const deliveries = await Promise.all((await envs).map((fn) => fn.invoke(at(fired.event, fired.at))));
      const end = await rig.drive(changeId);
      const count = countPatches(rig.atlas.patchesSince(mark), refused);
      const notes = { duplicateOutcomes: tallyDeliveries(deliveries) };
      return { count, answerStatus: statusOf(outcome), end, notes };
    },
  };
}

/** How many deliveries ended which way: `checked → SUCCEEDED`, `skipped: <reason>`, `error <type>`. */
function tallyDeliveries(deliveries: readonly Invocation[]): Record<string, number> {
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
  return outcomes;
}
