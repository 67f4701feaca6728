import { writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";

/** A goal: the figure (or its ratio to the baseline) must not exceed `max` (nor fall below `min`, when given). */
export interface Goal {
  /** What is compared: the ratio gateway/baseline, or the gateway's own value. */
  on: "ratio" | "value";
  max: number;
  min?: number;
  /** How the goal reads in the table, e.g. "≤ 1.5×". */
  text: string;
}

/** One row of the table: a gateway figure beside its baseline, measured in the same run. */
export interface Figure {
  id: string;
  /** What is measured, in words. */
  label: string;
  unit: string;
  gateway: number;
  baseline?: number;
  /** What the baseline is, e.g. "Secrets Manager-only bundle". */
  baselineLabel?: string;
  /** gateway / baseline. */
  ratio?: number;
  goal?: Goal;
  /** Undefined when the figure has no goal. */
  met?: boolean;
}

/** Builds a figure, computing its ratio and whether its goal is met. */
export function figure(input: Omit<Figure, "ratio" | "met">): Figure {
  const ratio =
    input.baseline !== undefined && input.baseline !== 0 ? input.gateway / input.baseline : undefined;
  const out: Figure = { ...input };
  if (ratio !== undefined) out.ratio = ratio;
  if (input.goal) {
    const compared = input.goal.on === "ratio" ? ratio : input.gateway;
    const { max, min } = input.goal;
    out.met = compared !== undefined && compared <= max && (min === undefined || compared >= min);
  }
  return out;
}

/** The machine the numbers came from: absolute times only compare within one run on one machine. */
export function machine() {
  const list = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Median and percentiles of a sample (nearest-rank). */
export function stats(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    median: median(sorted),
    p90: at(0.9) ?? Number.NaN,
    p95: at(0.95) ?? Number.NaN,
    p99: at(0.99) ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Rounds for display and JSON (3 significant decimals at most). */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function show(value: number | undefined, unit = ""): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  const abs = Math.abs(value);
  const text =
    abs >= 1000 ? Math.round(value).toLocaleString("en-US") : String(round(value, abs < 10 ? 2 : 1));
  return unit ? `${text} ${unit}` : text;
}

/** The table printed on stdout: figure | gateway | baseline | ratio | goal | met?. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ["figure", "gateway", "baseline", "ratio", "goal", "met?"];
  const rows = figures.map((f) => [
    f.label,
    show(f.gateway, f.unit),
    f.baseline === undefined
      ? "—"
      : `${show(f.baseline, f.unit)}${f.baselineLabel ? ` (${f.baselineLabel})` : ""}`,
    f.ratio === undefined ? "—" : `${round(f.ratio, f.ratio < 0.1 ? 4 : 2)}×`,
    f.goal?.text ?? "—",
    f.met === undefined ? "—" : f.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Writes `bench/report.json`: every figure, baseline, ratio and goal, the details and the machine. */
export async function writeReport(
  path: string,
  content: { figures: readonly Figure[]; details: Record<string, unknown>; durationSeconds: number },
): Promise<void> {
  const figures = content.figures.map((f) => ({
    ...f,
    gateway: round(f.gateway, 3),
    ...(f.baseline === undefined ? {} : { baseline: round(f.baseline, 3) }),
    ...(f.ratio === undefined ? {} : { ratio: round(f.ratio, 4) }),
  }));
  const report = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    durationSeconds: round(content.durationSeconds, 1),
    goalsNotMet: figures.filter((f) => f.met === false).map((f) => f.id),
    figures,
    details: content.details,
  };
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
