import { banner } from "./banner.js";
import { startLocalStack } from "./stack.js";
import { ignoredSettingsWarnings, optionsFromEnv } from "./startOptions.js";

/**
 * `npm start`: the gateway's functions (the production wiring) against local stand-ins of AWS, and the Atlas
 * simulator, on 127.0.0.1 with no AWS or Atlas account. The environment it reads is listed in
 * `local/startOptions.ts` (and in README.md's local-stack section). The banner is text, printed once; every
 * line after it is a JSON log line (pretty-printed with POWERTOOLS_DEV=true).
 */

for (const warning of ignoredSettingsWarnings(process.env)) console.warn(warning);
const stack = await Promise.resolve()
  .then(() => startLocalStack(optionsFromEnv(process.env)))
  .catch((error: unknown) => {
    // A bad setting (the callers file, a port in use, the ATLAS_* variables): one line saying what to
    // change, without a stack trace.
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
console.log(banner(stack));
const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
