import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { benchAcceptanceEvent } from "./acceptanceEvent.js";
import type { Variant } from "./artefact.js";
import { benchAtlasCalls } from "./atlasCalls.js";
import { type CallbackRun, startCallbackDelay } from "./callbackDelay.js";
import type { CallbackDelayResult } from "./callbackReport.js";
import { benchColdChange } from "./coldChange.js";
import { benchColdImport } from "./coldImport.js";
import { loadedModules, type ModulesResult } from "./modules.js";
import { benchOverhead } from "./overhead.js";
import { benchPatchesPerChange } from "./patchesPerChange.js";
import { benchRateBudget } from "./rateBudget.js";
import { benchRefusedHour } from "./refusedHour.js";
import type { Figure } from "./report.js";
import { Rig } from "./rig.js";
import { benchSecrets } from "./secrets.js";
import { type BenchStack, startBenchStack } from "./stack.js";
import { benchWarm } from "./warm.js";

/**
 * The sections, one after another so they do not disturb each other's timings: §1–§4 on one set of stand-ins,
 * §6 on stand-ins of its own, §5 on the source.
 */

export type Log = (message: string) => void;

/** §1–§4, measured on the packaged functions. */
export interface ArtefactSections {
  coldImport: Awaited<ReturnType<typeof benchColdImport>>;
  coldChange: Awaited<ReturnType<typeof benchColdChange>>;
  modules: ModulesResult[];
  warm: Awaited<ReturnType<typeof benchWarm>>;
  overhead: Awaited<ReturnType<typeof benchOverhead>>;
}

/** §6, the follow-up under faults. */
export interface FollowUpSections {
  patches: Awaited<ReturnType<typeof benchPatchesPerChange>>;
  refused: Awaited<ReturnType<typeof benchRefusedHour>>;
  callbacks: CallbackDelayResult;
  rateBudget: Awaited<ReturnType<typeof benchRateBudget>>;
}

/** §5, on the TypeScript source with a simulated clock. */
export interface SourceLevelSections {
  atlasCalls: ReturnType<typeof benchAtlasCalls>;
  acceptanceEvent: ReturnType<typeof benchAcceptanceEvent>;
  secrets: Awaited<ReturnType<typeof benchSecrets>>;
}

/** Stand-ins of their own for `measure`, stopped whatever happens. */
async function withStack<T>(primary: Variant, measure: (stack: BenchStack) => Promise<T>): Promise<T> {
  const stack = await startBenchStack(primary.pkg);
  stack.setRecheckDir(primary.recheck.codeDir);
  try {
    return await measure(stack);
  } finally {
    await stack.close();
  }
}

export function runArtefactSections(
  variants: readonly Variant[],
  scratch: string,
  log: Log,
): Promise<ArtefactSections> {
  const [primary] = variants as [Variant, ...Variant[]];
  return withStack(primary, async (stack) => {
    log("cold import: a fresh environment per sample, round-robin, 11 rounds + 1 warm-up…");
    const coldImport = await benchColdImport(stack, variants, { runs: 11 });
    log("cold change request: gateway and floor in alternation, 11 pairs + 1 warm-up…");
    const coldChange = await benchColdChange(stack, variants, { pairs: 11 });
    log("modules the change path loads (one untimed environment with a loader hook)…");
    const modules: ModulesResult[] = [];
    for (const [i, v] of variants.entries()) {
      const dir = join(scratch, `modules-${i}`);
      await mkdir(dir, { recursive: true });
      modules.push(await loadedModules(stack, v.http, dir));
    }
    log("warm: 100 change requests in one environment, gateway and floor in alternation…");
    const warm = await benchWarm(stack, variants, { invocations: 100 });
    log("request overhead: gateway vs direct digest PATCH, Atlas answering after 100 ms…");
    const overhead = await benchOverhead(stack, primary.http, {
      requests: 100,
      warmup: 5,
      atlasLatencyMs: 100,
    });
    return { coldImport, coldChange, modules, warm, overhead };
  });
}

/**
 * §6 on stand-ins of its own: the earlier sections leave records behind (the floor's stay in the due index for
 * ever) that a sweeper would re-check, and the simulator's peers and logs as they left them.
 */
export function runFollowUp(primary: Variant, log: Log): Promise<FollowUpSections> {
  return withStack(primary, async (stack) => {
    log(
      "follow-up (fresh stand-ins): re-checks calling back a host that never answers, 3 left waiting ≤ 60 s…",
    );
    const rig = new Rig(stack, primary);
    const callbackRun = await startCallbackDelay(rig, {
      requests: 10,
      rechecks: 3,
      rounds: 3,
      streamBytes: 300 * 2 ** 20,
    });
    const counted = await countWhileCallbacksWait(rig, callbackRun, log);
    return { ...counted, callbacks: await callbackRun.finish() };
  }).then(async (followUp) => ({ ...followUp, rateBudget: await runRateBudget(primary, log) }));
}

/** §7 on stand-ins of its own per run: the simulator must start with the token bucket and the 50 peers. */
function runRateBudget(primary: Variant, log: Log) {
  log("50 changes in flight against a 10/5 Atlas bucket, ATLAS_RATE_BUDGET=off then as packaged…");
  return benchRateBudget(primary, {
    changes: 50,
    rateLimit: "10/5/0.5",
    httpEnvironments: 10,
    recheckEnvironments: 5,
    timeoutMs: 90_000,
  });
}

/** §6.1 and §6.2 while §6.3's callbacks hang; §6.3's change requests while (c) waits on a slow Atlas. */
async function countWhileCallbacksWait(rig: Rig, callbackRun: CallbackRun, log: Log) {
  try {
    log(
      "…PATCHes per change under Atlas faults; while (c) waits on a slow Atlas, 10 change requests call back…",
    );
    const patches = await benchPatchesPerChange(rig, {
      duplicates: 20,
      meanwhile: async () => {
        await callbackRun.requests();
        log("…change requests with the hanging callback started; the other fault scenarios next…");
      },
    });
    log("…a change Atlas refuses with 503, for 24 h on the recheck function's controlled clock…");
    const refused = await benchRefusedHour(rig, { hours: 24 });
    log("…waiting for the hanging callbacks' timeouts (and the 300 MiB callback body)…");
    return { patches, refused };
  } catch (error) {
    await callbackRun.finish().catch(() => undefined);
    throw error;
  }
}

export async function runSourceLevel(log: Log): Promise<SourceLevelSections> {
  log("source-level, simulated clock: Atlas calls per settled change, Secrets Manager cache…");
  const atlasCalls = benchAtlasCalls();
  const acceptanceEvent = benchAcceptanceEvent();
  const secrets = await benchSecrets();
  return { atlasCalls, acceptanceEvent, secrets };
}

/** Every figure, in the table's order; the source-level ones labelled so, secondary to the artefact's. */
export function figuresOf(a: ArtefactSections, f: FollowUpSections, s: SourceLevelSections): Figure[] {
  return [
    ...a.coldChange.figures,
    ...a.coldImport.figures,
    ...a.warm.figures,
    ...a.overhead.figures,
    ...f.patches.figures,
    ...f.refused.figures,
    ...f.callbacks.figures,
    ...f.rateBudget.figures,
    ...s.atlasCalls.figures.map(sourceLevel),
    ...s.acceptanceEvent.figures.map(sourceLevel),
    ...s.secrets.figures.map(sourceLevel),
  ];
}

function sourceLevel(f: Figure): Figure {
  return { ...f, label: `[source, simulated clock] ${f.label}` };
}
