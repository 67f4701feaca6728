import { banner } from "./banner.js";
import { type LocalStackOptions, startLocalStack } from "./stack.js";

/**
 * `npm start`: the gateway and the Atlas simulator on 127.0.0.1 with no AWS or Atlas account.
 * Environment: PORT (3000), ATLAS_SIM_PORT (3001), ATLAS_SIM_STEP_MS (2000), GATEWAY_DEV_TOKEN,
 * GATEWAY_CALLERS_FILE, ATLAS_BASE_URL + ATLAS_PUBLIC_KEY + ATLAS_PRIVATE_KEY (forward to a real Atlas).
 */
function optionsFromEnv(env: NodeJS.ProcessEnv): LocalStackOptions {
  const options: LocalStackOptions = {
    port: Number(env.PORT ?? 3000),
    simulatorPort: Number(env.ATLAS_SIM_PORT ?? 3001),
    simulatorStepMs: Number(env.ATLAS_SIM_STEP_MS ?? 2000),
    logLevel: env.LOG_LEVEL ?? "INFO",
  };
  if (env.GATEWAY_DEV_TOKEN) options.devToken = env.GATEWAY_DEV_TOKEN;
  if (env.GATEWAY_CALLERS_FILE) options.callersFile = env.GATEWAY_CALLERS_FILE;
  if (env.ATLAS_BASE_URL) {
    const { ATLAS_PUBLIC_KEY: publicKey, ATLAS_PRIVATE_KEY: privateKey } = env;
    if (!publicKey || !privateKey)
      throw new Error("ATLAS_BASE_URL needs ATLAS_PUBLIC_KEY and ATLAS_PRIVATE_KEY.");
    options.atlas = { baseUrl: env.ATLAS_BASE_URL.replace(/\/+$/, ""), publicKey, privateKey };
  }
  return options;
}

const stack = await startLocalStack(optionsFromEnv(process.env));
console.log(banner(stack));
const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
