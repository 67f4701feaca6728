import { loadavg } from "node:os";
import type { Variant } from "./artefact.js";
import { type Comparison, renderComparison } from "./comparison.js";
import { type Figure, type machine, renderTable, round } from "./report.js";
import type { ArtefactSections, FollowUpSections } from "./sections.js";

/** What `npm run bench` prints: the table, then what stands behind its figures, section by section. */

export interface Printed {
  variants: readonly Variant[];
  /** Whether the first package was built by this run (else it was given with `--package`). */
  builtFresh: boolean;
  figures: Figure[];
  sections: ArtefactSections;
  followUp: FollowUpSections;
  comparison: Comparison | undefined;
  machine: ReturnType<typeof machine>;
  loadAtStart: number[];
  durationSeconds: number;
  reportPath: string;
}

const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
const ms = (value: number) => `${round(value, 1)}`;
const mib = (bytes: number) => `${round(bytes / 2 ** 20, 1)} MiB`;

export function printout(p: Printed): string {
  const out: string[] = [];
  for (const [i, v] of p.variants.entries()) {
    const where = i === 0 && p.builtFresh ? "built fresh by scripts/package.sh" : v.pkg.dir;
    out.push(`Package ${v.label}: ${where}${i === 0 ? " (the table's figures)" : ""}`);
  }
  out.push("", renderTable(p.figures));
  for (const [i, v] of p.variants.entries()) out.push("", ...variantLines(v, i, p.sections));
  out.push("", ...overheadLines(p.sections), "", ...patchLines(p.followUp), ...refusedLines(p.followUp));
  out.push(...callbackLines(p.followUp));
  if (p.comparison) out.push("", "Side by side (same run, interleaved):", renderComparison(p.comparison));
  const failed = p.figures.filter((f) => f.met === false);
  const m = p.machine;
  out.push(
    "",
    failed.length === 0 ? "All goals met." : `Goals NOT met: ${failed.map((f) => f.id).join(", ")}`,
    `Machine: node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}); load average (1/5/15 min) at start ` +
      `${p.loadAtStart.join(" ")}, at end ${loadavg()
        .map((l) => round(l, 2))
        .join(" ")}. ` +
      `Total ${round(p.durationSeconds, 1)} s. Report: ${p.reportPath}`,
  );
  return `${out.join("\n")}\n`;
}

/** One package's sizes, cold change, files loaded and warm figures. */
function variantLines(v: Variant, i: number, s: ArtefactSections): string[] {
  const out = [
    `── ${v.label} ──`,
    "Per function (unzipped; floor and SM-only bundled with the same esbuild options):",
  ];
  for (const f of s.coldImport.details.variants[i]?.functions ?? []) {
    const zip = f.info.zipBytes === undefined ? "" : `zip ${kb(f.info.zipBytes)}, `;
    out.push(
      `  ${f.name.padEnd(8)} ${zip}entry ${kb(f.info.entryBytes)}, ${f.info.modules} .mjs = ${kb(f.info.moduleBytes)}; ` +
        `init median ${ms(f.initMs.median)} p90 ${ms(f.initMs.p90)} ms; spawn→ready median ${ms(f.readyWallMs.median)} ms`,
    );
  }
  return [...out, ...coldChangeLines(i, s), ...modulesLines(i, s), ...warmLines(i, s)];
}

function coldChangeLines(i: number, s: ArtefactSections): string[] {
  const cold = s.coldChange.details.variants[i];
  if (!cold) return [];
  const row = (name: string, t: typeof cold.gateway) =>
    `  ${name.padEnd(8)} ${ms(t.readyWallMs.median)} / ${ms(t.initMs.median)} / ${ms(t.firstInvocationMs.median)} / ` +
    `${ms(t.answerWallMs.median)} (p90 ${ms(t.answerWallMs.p90)})`;
  return [
    "Cold change request (medians, ms): spawn→ready / init / first invocation / spawn→answer",
    row("gateway", cold.gateway),
    row("floor", cold.floor),
    `  I/O of one cold change request (same kinds and counts as the floor: ${cold.ioPerRequest.same ? "yes" : "NO"}):`,
    ...Object.entries(cold.ioPerRequest.gateway).map(
      ([kind, count]) => `    ${count} × ${kind} (floor: ${cold.ioPerRequest.floor[kind] ?? 0})`,
    ),
  ];
}

function modulesLines(i: number, s: ArtefactSections): string[] {
  const mod = s.modules[i];
  if (!mod) return [];
  const never = mod.bytes.inPackage - mod.bytes.atImport - mod.bytes.byFirstPatch;
  return [
    `Files of http.zip the change path loads: ${mod.atImport.length} at import (${kb(mod.bytes.atImport)}), ` +
      `${mod.byFirstPatch.length} more on the first PATCH (${kb(mod.bytes.byFirstPatch)}), ` +
      `${mod.neverLoaded} never (${kb(never)})`,
    ...mod.byFirstPatch.map((f) => `    + ${kb(f.bytes).padStart(9)}  ${f.file}`),
  ];
}

function warmLines(i: number, s: ArtefactSections): string[] {
  const w = s.warm.details.variants[i];
  if (!w) return [];
  return [
    `Warm (ms, ${s.warm.details.invocations} requests): gateway median ${ms(w.gateway.wallMs.median)} p99 ` +
      `${ms(w.gateway.wallMs.p99)} (handler ${ms(w.gateway.handlerMs.median)}), RSS ${mib(w.gateway.rssBytes)}; ` +
      `floor median ${ms(w.floor.wallMs.median)} p99 ${ms(w.floor.wallMs.p99)} ` +
      `(handler ${ms(w.floor.handlerMs.median)}), RSS ${mib(w.floor.rssBytes)}`,
    `  I/O per warm request, gateway: ${JSON.stringify(w.gateway.ioPerWarmRequest)}`,
    `  I/O per warm request, floor:   ${JSON.stringify(w.floor.ioPerWarmRequest)}`,
  ];
}

function overheadLines(s: ArtefactSections): string[] {
  return [
    `Overhead, Atlas answering PATCH after 100 ms (ms): gateway ${JSON.stringify(s.overhead.details.gatewayMs)}`,
    `  direct ${JSON.stringify(s.overhead.details.directMs)}`,
  ];
}

function patchLines(f: FollowUpSections): string[] {
  const out = [
    "PATCHes per change (sent / digest 401 / refused by the fault / applied / answers lost; how it ended):",
  ];
  for (const sc of f.patches.details.scenarios) {
    const c = sc.count;
    out.push(
      c
        ? `  (${sc.key}) ${sc.label}: ${c.sent} / ${c.challenges} / ${c.refused} / ${c.applied} / ${c.answersLost}; ` +
            `answer ${sc.answerStatus}; re-checks ${sc.end?.rechecks.join(" → ") || "none"} ⇒ ${sc.end?.state}` +
            (sc.notes?.duplicateOutcomes ? `; deliveries ${JSON.stringify(sc.notes.duplicateOutcomes)}` : "")
        : `  (${sc.key}) ${sc.label}: not measured: ${sc.notMeasured}`,
    );
  }
  return out;
}

function refusedLines(f: FollowUpSections): string[] {
  const rh = f.refused.details as Record<string, unknown>;
  return [
    `Refused with 503 (controlled clock, ${String(rh.hours)} h): the request sent ${String(rh.requestPatches)} PATCH, ` +
      `then ${String(rh.rechecks)} re-checks, ${String(rh.resends)} re-sending ${String(rh.patchesPerResend)} PATCH each ` +
      `(${String(rh.resendsPerHourLater)} re-sends/h after the first hour; ${String(rh.getsPerHourLater)} GETs/h); stopped: ${String(rh.stoppedBecause)}`,
  ];
}

function callbackLines(f: FollowUpSections): string[] {
  const cd = f.callbacks.details as {
    requestMs: Record<string, unknown>;
    recheckMs: Record<string, unknown>;
    timedOut: Record<string, number>;
    memory: { without: { peakMiB: number }; with: { peakMiB: number; requestMs: number; timedOut: boolean } };
  };
  return [
    `Callback host never answers (ms): request ${JSON.stringify(cd.requestMs)}`,
    `  re-check ${JSON.stringify(cd.recheckMs)}; timed out ${JSON.stringify(cd.timedOut)}`,
    `  300 MiB callback body: peak RSS ${cd.memory.with.peakMiB} MiB vs ${cd.memory.without.peakMiB} MiB without ` +
      `(request ${cd.memory.with.requestMs} ms${cd.memory.with.timedOut ? ", timed out" : ""})`,
  ];
}
