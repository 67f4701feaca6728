import { createLogger } from "../src/observability/logger.js";
import { CHANGE_EVENT_DETAIL_TYPE, DRIFTED_DETAIL_TYPE } from "../src/ports/ChangeNotifications.js";
import type { PublishedChangeEvent } from "./publishedEvents.js";
import { booleanFromEnv, integerFromEnv } from "./simulator/env.js";
import type { LocalStackOptions } from "./stack.js";

/**
 * `npm start`'s settings, read from the environment (here rather than in start.ts, so tests can start the
 * stack exactly as `npm start` would without running it). Environment: PORT (3000), ATLAS_SIM_PORT (3001),
 * ATLAS_SIM_STEP_MS (2000), GATEWAY_DEV_TOKEN, ATLAS_SIM_AUTO_ACCEPT (true), SLACK_SIGNING_SECRET,
 * GATEWAY_CALLERS_FILE, GATEWAY_POLICY_FILE (the project policy), GATEWAY_DATA_DIR (keep changes and the simulator's peers across restarts),
 * RECHECK_DELAY_SECONDS (2), RECHECK_HUMAN_WAIT_MAX_SECONDS (10), CHANGE_DEADLINE_HOURS (168), LOG_LEVEL
 * (WARN), DRIFT_CHECK_SECONDS (30), POWERTOOLS_DEV (pretty-printed logs), ATLAS_BASE_URL + ATLAS_PUBLIC_KEY +
 * ATLAS_PRIVATE_KEY, or ATLAS_BASE_URL + ATLAS_CLIENT_ID + ATLAS_CLIENT_SECRET (forward to a real Atlas with
 * API keys or a service account).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): LocalStackOptions {
  const options: LocalStackOptions = {
    port: integerFromEnv(env, "PORT", 3000),
    simulatorPort: integerFromEnv(env, "ATLAS_SIM_PORT", 3001),
    simulatorStepMs: integerFromEnv(env, "ATLAS_SIM_STEP_MS", 2000),
    // Read strictly: `false` must reach the simulator, and a typo must not silently mean "accept".
    simulatorAutoAccept: booleanFromEnv(env, "ATLAS_SIM_AUTO_ACCEPT", true),
    logLevel: env.LOG_LEVEL ?? "WARN",
    cadence: {
      ...seconds(env.RECHECK_DELAY_SECONDS, "recheckDelayMs"),
      ...seconds(env.RECHECK_HUMAN_WAIT_MAX_SECONDS, "humanWaitMaxMs"),
      ...(env.CHANGE_DEADLINE_HOURS ? { deadlineMs: Number(env.CHANGE_DEADLINE_HOURS) * 3_600_000 } : {}),
    },
    onEvent: eventLogger(env),
  };
  if (env.DRIFT_CHECK_SECONDS) options.driftCheckSeconds = Number(env.DRIFT_CHECK_SECONDS);
  if (env.GATEWAY_DEV_TOKEN) options.devToken = env.GATEWAY_DEV_TOKEN;
  if (env.SLACK_SIGNING_SECRET) options.slackSigningSecret = env.SLACK_SIGNING_SECRET;
  if (env.GATEWAY_CALLERS_FILE) options.callersFile = env.GATEWAY_CALLERS_FILE;
  if (env.GATEWAY_POLICY_FILE) options.policyFile = env.GATEWAY_POLICY_FILE;
  if (env.GATEWAY_DATA_DIR) options.dataDir = env.GATEWAY_DATA_DIR;
  if (env.ATLAS_BASE_URL) options.atlas = atlasFromEnv(env.ATLAS_BASE_URL.replace(/\/+$/, ""), env);
  return options;
}

/** A real Atlas's credentials: a service account when its id and secret are set, API keys otherwise. */
function atlasFromEnv(baseUrl: string, env: NodeJS.ProcessEnv): NonNullable<LocalStackOptions["atlas"]> {
  const { ATLAS_CLIENT_ID: clientId, ATLAS_CLIENT_SECRET: clientSecret } = env;
  if (clientId && clientSecret) return { baseUrl, clientId, clientSecret };
  const { ATLAS_PUBLIC_KEY: publicKey, ATLAS_PRIVATE_KEY: privateKey } = env;
  if (!publicKey || !privateKey) {
    throw new Error(
      "ATLAS_BASE_URL needs ATLAS_PUBLIC_KEY and ATLAS_PRIVATE_KEY, or ATLAS_CLIENT_ID and ATLAS_CLIENT_SECRET.",
    );
  }
  return { baseUrl, publicKey, privateKey };
}

/**
 * Atlas settings that only count with ATLAS_BASE_URL: given without it they are ignored and the simulator is
 * used, which is said once (the variables' names only, never their values).
 */
export function ignoredSettingsWarnings(env: NodeJS.ProcessEnv): string[] {
  if (env.ATLAS_BASE_URL) return [];
  const given = ["ATLAS_PUBLIC_KEY", "ATLAS_PRIVATE_KEY", "ATLAS_CLIENT_ID", "ATLAS_CLIENT_SECRET"].filter(
    (name) => env[name],
  );
  if (given.length === 0) return [];
  return [
    `npm start: ${given.join(", ")} ignored: ATLAS_BASE_URL is not set, so the embedded Atlas simulator is used. To forward to a real Atlas, also set ATLAS_BASE_URL (e.g. https://cloud.mongodb.com) with ATLAS_PUBLIC_KEY + ATLAS_PRIVATE_KEY or ATLAS_CLIENT_ID + ATLAS_CLIENT_SECRET.`,
  ];
}

/**
 * Each event the gateway publishes, as a log line of the functions' shape (Powertools JSON, one line; pretty
 * printed under POWERTOOLS_DEV=true), at INFO whatever LOG_LEVEL says: seeing them is why one runs the stack.
 * LOG_LEVEL=SILENT silences them too.
 */
function eventLogger(env: NodeJS.ProcessEnv): (event: PublishedChangeEvent) => void {
  const log = createLogger({
    serviceName: "atlas-peering-gateway-local",
    logLevel: env.LOG_LEVEL?.toUpperCase() === "SILENT" ? "SILENT" : "INFO",
  });
  return (event) => log.info(`event ${event.detailType}: ${describeEvent(event)}`, eventFields(event));
}

/** The event's ids and state as fields, for tools that read the JSON. */
function eventFields(event: PublishedChangeEvent): Record<string, unknown> {
  if (event.detailType === CHANGE_EVENT_DETAIL_TYPE) {
    const { id, state, nextAction } = event.detail;
    return { detailType: event.detailType, changeId: id, state, ...(nextAction ? { nextAction } : {}) };
  }
  if (event.detailType === DRIFTED_DETAIL_TYPE) {
    const { groupId, peerId, lastChangeId, atlasStatus, fields } = event.detail;
    return { detailType: event.detailType, groupId, peerId, lastChangeId, atlasStatus, fields };
  }
  const { event: rejected, errors } = event.detail;
  return { detailType: event.detailType, rejectedEvent: rejected, errors };
}

/** One line per event: a change's id, state and next action, or which request was rejected and why. */
function describeEvent(event: PublishedChangeEvent): string {
  if (event.detailType === CHANGE_EVENT_DETAIL_TYPE) {
    const { id, state, nextAction } = event.detail;
    return nextAction ? `${id} ${state} — ${nextAction}` : `${id} ${state}`;
  }
  if (event.detailType === DRIFTED_DETAIL_TYPE) {
    const { peerId, atlasStatus, fields, lastChangeId } = event.detail;
    const differ = fields.map(
      (f) => `${f.field} ${JSON.stringify(f.actual)} (was ${JSON.stringify(f.expected)})`,
    );
    return `peer ${peerId} drifted from ${lastChangeId}: ${[...differ, `Atlas ${atlasStatus}`].join(", ")}`;
  }
  const { event: rejected, reason, errors } = event.detail;
  const which = `${rejected.id ?? "(no id)"} from ${rejected.source ?? "(no source)"}: ${reason}`;
  return errors.length > 0 ? `${which} (${errors.map((e) => e.path).join(", ")})` : which;
}

function seconds(value: string | undefined, key: "recheckDelayMs" | "humanWaitMaxMs") {
  return value ? { [key]: Number(value) * 1000 } : {};
}
