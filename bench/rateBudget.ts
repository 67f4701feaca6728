import type { EmulatedSchedule } from "../local/aws/scheduleFirer.js";
import type { LambdaProcess } from "../local/lambda/runtime.js";
import type { Variant } from "./artefact.js";
import { sleep } from "./invocation.js";
import { type Figure, figure, round } from "./report.js";
import { startBenchStack } from "./stack.js";

/**
 * §7 (artefact): 50 changes in flight in one project against an Atlas that enforces its token bucket
 * (the simulator's ATLAS_SIM_RATE_LIMIT), through the packaged http and recheck functions: 429s Atlas answered
 * and the time until every change settled, with the package's shared Atlas rate budget (ATLAS_RATE_BUDGET as
 * shipped: auto) against the same package with ATLAS_RATE_BUDGET=off. As test/integration/atlasBudget.e2e.test.ts
 * does on the source.
 */

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"]);

export interface RateBudgetOptions {
  changes: number;
  /** `<capacity>/<refill>/<seconds>` for ATLAS_SIM_RATE_LIMIT. */
  rateLimit: string;
  httpEnvironments: number;
  recheckEnvironments: number;
  /** Give up on the changes still open after this long (they count as not settled). */
  timeoutMs: number;
}

export interface RateRun {
  budget: string;
  answered: Record<string, number>;
  settled: Record<string, number>;
  /** First POST → the last POST answered. */
  submitSeconds: number;
  settleSeconds: number;
  atlas: {
    requests: number;
    tooMany: number;
    patches: number;
    rateLimitsReads: number;
    /** Which calls Atlas refused with 429 ("GET peer", "PATCH peer", …), and when the first came. */
    tooManyOn: Record<string, number>;
    firstTooManyAfterSeconds?: number;
  };
  rechecks: number;
}

async function runOnce(variant: Variant, budget: string | undefined, o: RateBudgetOptions): Promise<RateRun> {
  const saved = { rate: process.env.ATLAS_SIM_RATE_LIMIT, peers: process.env.ATLAS_SIM_DEMO_PEERS };
  // startAtlasSimulator reads these itself when its options leave rateLimit / demoPeers out.
  process.env.ATLAS_SIM_RATE_LIMIT = o.rateLimit;
  process.env.ATLAS_SIM_DEMO_PEERS = String(o.changes);
  const stack = await startBenchStack(variant.pkg).finally(() => {
    restore("ATLAS_SIM_RATE_LIMIT", saved.rate);
    restore("ATLAS_SIM_DEMO_PEERS", saved.peers);
  });
  try {
    // The fast cadence of the e2e test, and a caller bucket that lets 50 requests through: only Atlas's counts.
    const extra = {
      RECHECK_DELAY_SECONDS: "0.5",
      RATE_LIMIT_BURST: "1000",
      RATE_LIMIT_PER_MINUTE: "6000",
      // As shipped (auto) unless the run says otherwise: the stack's own setting is a bucket that never empties.
      ATLAS_RATE_BUDGET: budget ?? "auto",
    };
    const start = (t: Variant["http"]) => stack.start(t.spec, t.codeDir, extra).then((s) => s.fn);
    const http = await Promise.all(Array.from({ length: o.httpEnvironments }, () => start(variant.http)));
    const recheck = await Promise.all(
      Array.from({ length: o.recheckEnvironments }, () => start(variant.recheck)),
    );
    const from = stack.sim.requests.length;
    const startedAt = performance.now();
    const wallStart = Date.now();
    const { ids, endedAtOnce, answered } = await submitAll(stack, http, o.changes);
    const submitSeconds = (performance.now() - startedAt) / 1000;
    const driven = await driveAll(stack.scheduler.schedules, recheck, ids, startedAt + o.timeoutMs);
    const settleSeconds = (driven.lastEndedAt - startedAt) / 1000;
    const seen = stack.sim.requests.slice(from).filter((r) => r.path.startsWith("/api/atlas/"));
    const refused = seen.filter((r) => r.status === 429);
    const firstRefused = refused[0];
    return {
      budget: budget ?? "as packaged",
      answered,
      settled: tally([...endedAtOnce.values(), ...driven.ended.values()]),
      submitSeconds: round(submitSeconds, 2),
      settleSeconds: round(settleSeconds, 2),
      atlas: {
        requests: seen.length,
        tooMany: refused.length,
        patches: seen.filter((r) => r.method === "PATCH" && r.authenticated).length,
        rateLimitsReads: seen.filter((r) => r.path === "/api/atlas/v2/rateLimits").length,
        tooManyOn: tally(refused.map((r) => `${r.method} ${shortPath(r.path)}`)),
        ...(firstRefused ? { firstTooManyAfterSeconds: round((firstRefused.at - wallStart) / 1000, 2) } : {}),
      },
      rechecks: driven.rechecks,
    };
  } finally {
    await stack.close();
  }
}

/** `/api/atlas/v2/groups/5f1e…/peers/5f1e…` → `…/peers/{id}`. */
const shortPath = (path: string) =>
  path.replace(/[a-f0-9]{24}/g, "{id}").replace(/^\/api\/atlas\/v[0-9.]+\/groups\/\{id\}/, "…");

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

type Stack = Awaited<ReturnType<typeof startBenchStack>>;

/** `POST /v1/peering-changes` for each demo AWS peer (a fresh CIDR), spread over the http environments. */
async function submitAll(stack: Stack, http: LambdaProcess[], changes: number) {
  const peers = stack.sim.demo.awsPeers ?? [];
  if (peers.length < changes) throw new Error(`the simulator has ${peers.length} extra AWS peers`);
  const events = peers.slice(0, changes).map((peer, index) => {
    const { accepterRegionName, awsAccountId, containerId, vpcId } = peer;
    const peering = { accepterRegionName, awsAccountId, containerId, vpcId };
    const body = { groupId: stack.sim.demo.groupId, peerId: peer.peerId, peering };
    const cidr = `10.200.${index}.0/24`;
    return stack.apiEvent("POST", "/v1/peering-changes", {
      body: JSON.stringify({ ...body, peering: { ...peering, routeTableCidrBlock: cidr } }),
      contentType: "application/json",
    });
  });
  const answers: { status: number; id?: string; state?: string }[] = [];
  // One invocation at a time per environment, as Lambda runs them; the environments in parallel.
  await Promise.all(
    http.map(async (fn, e) => {
      for (let i = e; i < events.length; i += http.length) {
        const result = (await fn.invoke(events[i])).result as
          | { statusCode?: number; body?: string }
          | undefined;
        const { id, state } = JSON.parse(result?.body ?? "{}") as { id?: unknown; state?: unknown };
        answers[i] = {
          status: result?.statusCode ?? 0,
          ...(typeof id === "string" ? { id } : {}),
          ...(typeof state === "string" ? { state } : {}),
        };
      }
    }),
  );
  const accepted = answers.filter((a) => a.status >= 200 && a.status < 300 && a.id);
  // A change the request itself settled has no schedule: it ended with its answer.
  const endedAtOnce = new Map(
    accepted.filter((a) => TERMINAL.has(a.state ?? "")).map((a) => [a.id as string, a.state as string]),
  );
  const ids = accepted.map((a) => a.id as string).filter((id) => !endedAtOnce.has(id));
  return { ids, endedAtOnce, answered: tally(answers.map((a) => String(a.status))) };
}

const inputOf = (s: EmulatedSchedule): { changeId?: string } => {
  try {
    return JSON.parse(s.input.Target?.Input ?? "null") ?? {};
  } catch {
    return {};
  }
};

/**
 * Fires every schedule of the changes at its time, as Scheduler would (each into the next free recheck
 * environment), until every change has ended or the time is up.
 */
async function driveAll(
  schedules: ReadonlyMap<string, EmulatedSchedule>,
  pool: LambdaProcess[],
  ids: readonly string[],
  giveUpAt: number,
) {
  const open = new Set(ids);
  const ended = new Map<string, string>();
  const fired = new Set<string>();
  const free = [...pool];
  let rechecks = 0;
  let lastEndedAt = performance.now();
  const running = new Set<Promise<void>>();
  while (open.size > 0 && performance.now() < giveUpAt) {
    const due = [...schedules.values()].filter(
      (s) => !fired.has(s.arn) && s.fireAt <= Date.now() && open.has(inputOf(s).changeId ?? ""),
    );
    for (const s of due) {
      const fn = free.pop();
      if (!fn) break;
      fired.add(s.arn);
      rechecks++;
      const run = fn.invoke(JSON.parse(s.input.Target?.Input ?? "{}")).then((outcome) => {
        const result = outcome.result as { kind?: string; state?: string } | undefined;
        const id = inputOf(s).changeId ?? "";
        if (result?.kind === "checked" && TERMINAL.has(String(result.state)) && open.delete(id)) {
          ended.set(id, String(result.state));
          lastEndedAt = performance.now();
        }
        free.push(fn);
      });
      running.add(run);
      void run.finally(() => running.delete(run));
    }
    await sleep(20);
  }
  await Promise.all(running);
  for (const id of open) ended.set(id, "not settled in time");
  return { ended, rechecks, lastEndedAt };
}

export interface RateBudgetResult {
  figures: Figure[];
  details: { method: string; options: RateBudgetOptions; budgeted: RateRun; off: RateRun };
}

export async function benchRateBudget(variant: Variant, o: RateBudgetOptions): Promise<RateBudgetResult> {
  const off = await runOnce(variant, "off", o);
  const budgeted = await runOnce(variant, undefined, o);
  const label = `${o.changes} changes in flight, Atlas bucket ${o.rateLimit}`;
  const allSettled = (r: RateRun) => (r.settled.SUCCEEDED ?? 0) === o.changes;
  return {
    figures: [
      figure({
        id: "rateBudget.tooMany",
        label: `Atlas 429s: ${label}${allSettled(budgeted) ? "" : " (NOT all settled)"}`,
        unit: "429s",
        gateway: budgeted.atlas.tooMany,
        baseline: off.atlas.tooMany,
        baselineLabel: "ATLAS_RATE_BUDGET=off",
        goal: { on: "value", max: 0, text: "0" },
      }),
      figure({
        id: "rateBudget.settle",
        label: `time until all settled: ${label} (off: ${JSON.stringify(off.settled)})`,
        unit: "s",
        gateway: budgeted.settleSeconds,
        baseline: off.settleSeconds,
        baselineLabel: "ATLAS_RATE_BUDGET=off",
      }),
    ],
    details: { method: METHOD, options: o, budgeted, off },
  };
}

const METHOD =
  "Per run fresh stand-ins, the simulator under ATLAS_SIM_RATE_LIMIT and ATLAS_SIM_DEMO_PEERS; packaged " +
  "http and recheck functions in several environments (one invocation at a time each), " +
  "RECHECK_DELAY_SECONDS=0.5, RATE_LIMIT_BURST 1000 (only Atlas's limit counts). One POST " +
  "/v1/peering-changes per demo AWS peer over the http environments, then every schedule of those changes " +
  "invoked in a free recheck environment at its at() time (whole seconds) until all ended. Counted from the " +
  "simulator's log: 429s on /api/atlas/ paths, authenticated PATCHes, GET /rateLimits. Settle time: first " +
  "POST to the last change ended. Baseline: the same package with ATLAS_RATE_BUDGET=off, run first.";
