import { banner } from "./banner.js";
import { startLocalStack } from "./stack.js";
import { optionsFromEnv } from "./startOptions.js";

/**
 * `npm start`: the gateway's functions (the production wiring) against local stand-ins of AWS, and the Atlas
 * simulator, on 127.0.0.1 with no AWS or Atlas account. The environment it reads is listed in
 * `local/startOptions.ts` (and in README.md's local-stack section).
 */

const stack = await Promise.resolve()
  .then(() => startLocalStack(optionsFromEnv(process.env)))
  .catch((error: unknown) => {
    // A bad setting (the callers file, the ATLAS_* variables): say which, without a stack trace.
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
