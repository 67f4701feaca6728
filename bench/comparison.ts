import { FUNCTION_KEYS, type Variant } from "./artefact.js";
import { round } from "./report.js";
import type { ArtefactSections } from "./sections.js";

/** `--compare`: the figures that decide between two packages (e.g. splitting on and off), side by side. */

interface ComparisonRow {
  figure: string;
  unit: string;
  values: number[];
}

export interface Comparison {
  labels: string[];
  rows: ComparisonRow[];
}

/** One value per variant (NaN where the variant has none). */
type Each = (pick: (i: number) => number | undefined) => number[];

export function compare(variants: readonly Variant[], s: ArtefactSections): Comparison {
  const each: Each = (pick) => variants.map((_, i) => pick(i) ?? Number.NaN);
  return {
    labels: variants.map((v) => v.label),
    rows: [...importRows(each, s), ...coldChangeRows(each, s), ...warmRows(each, s)],
  };
}

function importRows(each: Each, s: ArtefactSections): ComparisonRow[] {
  const fn = (i: number, name: string) =>
    s.coldImport.details.variants[i]?.functions.find((f) => f.name === name);
  return [
    { figure: "http.zip size", unit: "KB", values: each((i) => (fn(i, "http")?.info.zipBytes ?? 0) / 1024) },
    ...FUNCTION_KEYS.map((name) => ({
      figure: `cold import (init), median: ${name}`,
      unit: "ms",
      values: each((i) => fn(i, name)?.initMs.median),
    })),
    {
      figure: "cold import, spawn → ready, median: http",
      unit: "ms",
      values: each((i) => fn(i, "http")?.readyWallMs.median),
    },
    { figure: "floor handler, init, median", unit: "ms", values: each((i) => fn(i, "floor")?.initMs.median) },
    {
      figure: "code loaded by the change path (import + first PATCH)",
      unit: "KB",
      values: each(
        (i) => ((s.modules[i]?.bytes.atImport ?? 0) + (s.modules[i]?.bytes.byFirstPatch ?? 0)) / 1024,
      ),
    },
  ];
}

function coldChangeRows(each: Each, s: ArtefactSections): ComparisonRow[] {
  const cold = (i: number) => s.coldChange.details.variants[i];
  const row = (figure: string, pick: (i: number) => number | undefined) => ({
    figure,
    unit: "ms",
    values: each(pick),
  });
  return [
    row("cold change, spawn → answer, median", (i) => cold(i)?.gateway.answerWallMs.median),
    row("cold change, spawn → answer, p90", (i) => cold(i)?.gateway.answerWallMs.p90),
    row("cold change, first invocation, median", (i) => cold(i)?.gateway.firstInvocationMs.median),
    row("floor, cold change, spawn → answer, median", (i) => cold(i)?.floor.answerWallMs.median),
    {
      figure: "cold change ÷ its floor (goal ≤ 1.3×)",
      unit: "×",
      values: each(
        (i) => (cold(i)?.gateway.answerWallMs.median ?? 0) / (cold(i)?.floor.answerWallMs.median ?? 1),
      ),
    },
  ];
}

function warmRows(each: Each, s: ArtefactSections): ComparisonRow[] {
  const warm = (i: number) => s.warm.details.variants[i];
  return [
    {
      figure: "warm change request, median",
      unit: "ms",
      values: each((i) => warm(i)?.gateway.wallMs.median),
    },
    { figure: "warm change request, p99", unit: "ms", values: each((i) => warm(i)?.gateway.wallMs.p99) },
    {
      figure: "RSS after 100 warm requests",
      unit: "MiB",
      values: each((i) => (warm(i)?.gateway.rssBytes ?? 0) / 2 ** 20),
    },
  ];
}

export function renderComparison(c: Comparison): string {
  const header = ["figure", ...c.labels, ...(c.labels.length === 2 ? ["B / A"] : [])];
  const rows = c.rows.map((r) => [
    r.figure,
    ...r.values.map((v) => `${round(v, 2)} ${r.unit}`),
    ...(r.values.length === 2 ? [`${round((r.values[1] ?? 0) / (r.values[0] ?? 1), 2)}×`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
