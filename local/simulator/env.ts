/**
 * Reading the simulator's settings from the environment (the standalone `main.ts` and the local stack's
 * `start.ts`). A value that cannot be read fails the start, naming the variable: a typo such as
 * `ATLAS_SIM_AUTO_ACCEPT=flase` must not quietly leave the default in force.
 */

/** A non-negative integer, or `fallback` when the variable is unset or empty. */
export function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/** `true`/`false` (also `1`/`0`, any case), or `fallback` when the variable is unset or empty. */
export function booleanFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new Error(`${name} must be true or false, got "${env[name]}"`);
}

/**
 * The settings `startAtlasSimulator` takes from the environment when its options leave them out, so that
 * `npm start` (the local stack) and `main.ts` honour them alike: `ATLAS_SIM_RATE_LIMIT=<capacity>/<refill>/<seconds>`
 * (enforce Atlas's token bucket per project) and `ATLAS_SIM_DEMO_PEERS=<n>` (more AWS peers in the demo project).
 */
export function rehearsalFromEnv(env: NodeJS.ProcessEnv): { rateLimit?: string; demoPeers: number } {
  const rateLimit = env.ATLAS_SIM_RATE_LIMIT?.trim();
  const demoPeers = integerFromEnv(env, "ATLAS_SIM_DEMO_PEERS", 0);
  return rateLimit ? { rateLimit, demoPeers } : { demoPeers };
}
