/**
 * The `peering-gateway` command: `tsx cli/peering-gateway.ts <command> …` (or `npx peering-gateway`). All the
 * logic is in `main`, so tests run it in-process.
 */
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  // The live status line goes to stderr, so stderr decides whether it can be rewritten in place.
  isTTY: process.stderr.isTTY === true,
  env: process.env,
});
