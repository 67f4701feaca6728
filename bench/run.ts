import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchAtlasCalls } from "./atlasCalls.js";
import { benchColdStart } from "./coldStart.js";
import { benchOverhead } from "./overhead.js";
import { type Figure, machine, renderTable, round, writeReport } from "./report.js";
import { benchSecrets } from "./secrets.js";

/**
 * `npm run bench`: cold start, request overhead, Atlas calls per settled change and Secrets Manager calls,
 * each beside its baseline measured in the same run. Prints a table and writes bench/report.json.
 * Sections run one after another (never in parallel) so they do not disturb each other's timings.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${round((performance.now() - started) / 1000, 1)} s] ${message}\n`);

const m = machine();
log(`node ${m.node}, ${m.cpus} × ${m.cpuModel}`);

log("cold start: bundling the handlers and the baseline, then timing fresh imports…");
const coldStart = await benchColdStart({ root, outDir: join(root, "bench", ".out"), runs: 11 });

log("overhead: gateway vs direct PATCH on the local stack…");
const overhead = await benchOverhead({
  requests: 200,
  warmup: 20,
  latencyRequests: 50,
  latencyWarmup: 5,
  atlasLatencyMs: 100,
});

log("Atlas calls per settled change (simulated clock)…");
const atlasCalls = benchAtlasCalls();

log("Secrets Manager calls in one warm container (simulated clock)…");
const secrets = await benchSecrets();

const figures: Figure[] = [
  ...coldStart.figures,
  ...overhead.figures,
  ...atlasCalls.figures,
  ...secrets.figures,
];
const durationSeconds = (performance.now() - started) / 1000;
await writeReport(join(root, "bench", "report.json"), {
  figures,
  durationSeconds,
  details: {
    coldStart: coldStart.details,
    overhead: overhead.details,
    atlasCalls: atlasCalls.details,
    secrets: secrets.details,
  },
});

const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
const out: string[] = [];
out.push(renderTable(figures), "");
out.push("Cold start per bundle (ms, fresh node process, import only):");
for (const b of coldStart.details.bundles) {
  const t = b.times.importMs;
  out.push(
    `  ${b.name.padEnd(9)} ${kb(b.bytes).padStart(10)}  median ${round(t.median, 1)}  p90 ${round(t.p90, 1)}  ` +
      `min ${round(t.min, 1)}  max ${round(t.max, 1)}  (process spawn→exit median ${round(b.times.processMs.median, 1)})`,
  );
}
out.push("Top 10 inputs of the http bundle (bytes in the minified output):");
for (const input of coldStart.details.httpTopInputs)
  out.push(`  ${kb(input.bytes).padStart(10)}  ${input.path}`);
const http = coldStart.details.bundles.find((b) => b.name === "http");
out.push("Top packages of the http bundle:");
for (const pkg of http?.topPackages.slice(0, 10) ?? [])
  out.push(`  ${kb(pkg.bytes).padStart(10)}  ${pkg.name}`);
out.push("", `Per gateway PATCH: ${JSON.stringify(overhead.details.plain)}`);
const failed = figures.filter((f) => f.met === false);
out.push(
  "",
  failed.length === 0 ? "All goals met." : `Goals NOT met: ${failed.map((f) => f.id).join(", ")}`,
  `Machine: node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}). Total ${round(durationSeconds, 1)} s. Report: bench/report.json`,
);
process.stdout.write(`${out.join("\n")}\n`);
