/**
 * The `peering-gateway` command: the bundle `cli/dist/peering-gateway.mjs` (npm run cli:build), or
 * `tsx cli/peering-gateway.ts <command> …` from the sources. All the logic is in `main`, so tests run it
 * in-process.
 */
import { main } from "./main.js";

// Ctrl-C stops what is running (a wait, a request) so it can tidy the terminal and say how to resume; a
// second Ctrl-C exits at once, for a run that does not stop.
const interrupt = new AbortController();
process.on("SIGINT", () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  // The live status line goes to stderr, so stderr decides whether it can be rewritten in place.
  isTTY: process.stderr.isTTY === true,
  env: process.env,
  signal: interrupt.signal,
});
