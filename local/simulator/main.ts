import { booleanFromEnv, integerFromEnv } from "./env.js";
import {
  type AtlasSimulator,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  type SimulatorOptions,
  startAtlasSimulator,
} from "./index.js";

/**
 * `tsx local/simulator/main.ts`: runs the simulator in the foreground for trying the gateway by hand.
 * Environment: ATLAS_SIM_PORT (default 3001), ATLAS_SIM_HOST (default 127.0.0.1), ATLAS_SIM_STEP_MS (default 2000),
 * ATLAS_SIM_PUBLIC_KEY / ATLAS_SIM_PRIVATE_KEY (default: the demo key pair), ATLAS_SIM_CLIENT_ID /
 * ATLAS_SIM_CLIENT_SECRET (default: the demo service account), ATLAS_SIM_TOKEN_LIFETIME_SECONDS (default 3600),
 * ATLAS_SIM_AUTO_ACCEPT (default true; false: peers wait for `POST /__sim/peers/{id}/accept`),
 * ATLAS_SIM_DATA_DIR (keep the peers in that folder across restarts; in memory by default),
 * ATLAS_SIM_RATE_LIMIT (`<capacity>/<refill>/<seconds>`: enforce Atlas's token bucket per project) and
 * ATLAS_SIM_DEMO_PEERS (more AWS peers in the demo project), both read by `startAtlasSimulator` itself.
 */

function optionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  const options: SimulatorOptions = {
    host: env.ATLAS_SIM_HOST ?? "127.0.0.1",
    port: integerFromEnv(env, "ATLAS_SIM_PORT", 3001),
    stepMs: integerFromEnv(env, "ATLAS_SIM_STEP_MS", 2000),
    autoAccept: booleanFromEnv(env, "ATLAS_SIM_AUTO_ACCEPT", true),
  };
  if (env.ATLAS_SIM_DATA_DIR) options.dataDir = env.ATLAS_SIM_DATA_DIR;
  // Only set when given: exactOptionalPropertyTypes forbids writing `undefined` into the options.
  if (env.ATLAS_SIM_PUBLIC_KEY) options.publicKey = env.ATLAS_SIM_PUBLIC_KEY;
  if (env.ATLAS_SIM_PRIVATE_KEY) options.privateKey = env.ATLAS_SIM_PRIVATE_KEY;
  const { ATLAS_SIM_CLIENT_ID: clientId, ATLAS_SIM_CLIENT_SECRET: clientSecret } = env;
  if (clientId || clientSecret) {
    options.serviceAccount = {
      clientId: clientId ?? DEMO_CLIENT_ID,
      clientSecret: clientSecret ?? DEMO_CLIENT_SECRET,
    };
  }
  const lifetime = integerFromEnv(env, "ATLAS_SIM_TOKEN_LIFETIME_SECONDS", 3600);
  if (lifetime > 0) options.tokenLifetimeSeconds = lifetime;
  return options;
}

/** How the customer's step passes, and where the state is kept. */
function waitingLines(sim: AtlasSimulator): string[] {
  const lines = sim.autoAccept
    ? []
    : [`  peers wait for acceptance: curl -X POST ${sim.url}/__sim/peers/<peerId>/accept`];
  if (sim.stateFile) lines.push(`  state kept in ${sim.stateFile}`);
  const limit = sim.rateLimit;
  if (limit)
    lines.push(`  rate limit: ${limit.capacity} per project, ${limit.refill} more every ${limit.seconds} s`);
  const extra = sim.demo.awsPeers?.length ?? 0;
  if (extra > 0) lines.push(`  ${extra} more AWS peers in the demo project: GET ${sim.url}/__sim/demo`);
  return lines;
}

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  const sim = await startAtlasSimulator(options);
  const { groupId, peers } = sim.demo;
  // The demo private key is printed because it is a published constant; a key passed in the environment is not.
  const privateKey = options.privateKey === undefined ? DEMO_PRIVATE_KEY : "(from ATLAS_SIM_PRIVATE_KEY)";
  const account = options.serviceAccount;
  const ownSecret = account !== undefined && account.clientSecret !== DEMO_CLIENT_SECRET;
  const clientSecret = ownSecret ? "(from ATLAS_SIM_CLIENT_SECRET)" : DEMO_CLIENT_SECRET;
  const lines = [
    `Atlas simulator listening on ${sim.url} (status step ${options.stepMs} ms)`,
    ...waitingLines(sim),
    `  digest key:  ${options.publicKey ?? DEMO_PUBLIC_KEY} / ${privateKey}`,
    `  service account: ${account?.clientId ?? DEMO_CLIENT_ID} / ${clientSecret} (POST ${sim.url}/api/oauth/token)`,
    `  groupId:     ${groupId}`,
    `  AWS peer:    ${peers.aws.peerId} (container ${peers.aws.containerId})`,
    `  AZURE peer:  ${peers.azure.peerId} (container ${peers.azure.containerId})`,
    `  GCP peer:    ${peers.gcp.peerId} (container ${peers.gcp.containerId})`,
    `  try: curl --digest -u '${options.publicKey ?? DEMO_PUBLIC_KEY}:<private key>' \\`,
    `         ${sim.url}/api/atlas/v1.0/groups/${groupId}/peers/${peers.aws.peerId}`,
    `  control endpoint: ${sim.url}/__sim/ (see local/simulator/README.md)`,
  ];
  console.log(lines.join("\n"));
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
