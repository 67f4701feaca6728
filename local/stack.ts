import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AtlasCredentials } from "../src/atlas/credentials.js";
import { type CallerRegistry, parseCallerRegistry } from "../src/auth/callers.js";
import { hashToken } from "../src/auth/signature.js";
import type { CadencePolicy } from "../src/domain/change/cadence.js";
import { makeHttpHandler } from "../src/http/lambdaHandler.js";
import { sweepOverdue } from "../src/usecases/sweepOverdue.js";
import { startApiGatewayServer } from "./apiGatewayServer.js";
import { type LocalDeps, localDeps } from "./localDeps.js";
import { localRoutes } from "./localRoutes.js";
import type { PublishedChangeEvent } from "./MemoryChangePublisher.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "./simulator/index.js";

/** The local stack's settings; `local/start.ts` reads them from the documented environment variables. */
export interface LocalStackOptions {
  host?: string;
  port?: number;
  simulatorPort?: number;
  simulatorStepMs?: number;
  /** False: simulated peers wait for acceptance through the simulator's control endpoint. */
  simulatorAutoAccept?: boolean;
  /**
   * Forward to a real Atlas (or a simulator of one's own) instead of the embedded simulator, with API keys or
   * a service account.
   */
  atlas?:
    | { baseUrl: string; publicKey: string; privateKey: string }
    | { baseUrl: string; clientId: string; clientSecret: string };
  devToken?: string;
  callersFile?: string;
  /** Keep changes in this folder across restarts (in memory otherwise). */
  dataDir?: string;
  /** Re-check cadence; fast by default so a change settles in seconds against the simulator. */
  cadence?: Partial<CadencePolicy>;
  /** How often the sweeper looks for overdue changes (it also runs once at start). */
  sweepEveryMs?: number;
  logLevel?: string;
  onEvent?: (event: PublishedChangeEvent) => void;
  /** The local Slack app's signing secret (`SLACK_SIGNING_SECRET`); generated when absent. */
  slackSigningSecret?: string;
}

export interface LocalStack {
  gatewayUrl: string;
  simulator?: AtlasSimulator;
  /** The dev caller's bearer token; absent when a callers file is used. */
  devToken?: string;
  /** What the local Slack route verifies signatures with. */
  slackSigningSecret: string;
  deps: LocalDeps;
  close(): Promise<void>;
}

/** The Slack workspace id the local stack trusts (send it as `team_id`). */
export const LOCAL_SLACK_TEAM = "T0LOCAL00";
/** The EventBridge `source` the local stack maps to the dev caller. */
export const LOCAL_EVENT_SOURCE = "local.automation";

export const LOCAL_CADENCE: CadencePolicy = {
  recheckDelayMs: 2_000,
  humanWaitMaxMs: 10_000,
  deadlineMs: 168 * 3_600_000,
};

/**
 * Starts the gateway on 127.0.0.1 with no AWS or Atlas account: the real HTTP handler behind an API Gateway
 * v2 adapter, DynamoDB as dynalite, re-checks on timers, a sweeper loop, and the embedded Atlas simulator
 * (unless a real Atlas is configured).
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? "127.0.0.1";
  const simulator = options.atlas
    ? undefined
    : await startAtlasSimulator({
        host,
        port: options.simulatorPort ?? 0,
        stepMs: options.simulatorStepMs ?? 2_000,
      });
  const atlas = options.atlas ?? {
    baseUrl: simulator?.url ?? "",
    publicKey: DEMO_PUBLIC_KEY,
    privateKey: DEMO_PRIVATE_KEY,
  };
  const credentials: AtlasCredentials =
    "clientId" in atlas
      ? { kind: "serviceAccount", clientId: atlas.clientId, clientSecret: atlas.clientSecret }
      : { kind: "apiKey", publicKey: atlas.publicKey, privateKey: atlas.privateKey };
  const devToken = options.callersFile
    ? undefined
    : (options.devToken ?? `dev-${randomBytes(18).toString("base64url")}`);
  const callers = options.callersFile
    ? await readCallersFile(options.callersFile)
    : devRegistry(devToken ?? "");
  const slackSigningSecret = options.slackSigningSecret ?? randomBytes(16).toString("hex");
  const deps = await localDeps({
    slackSigningSecret,
    atlasBaseUrl: atlas.baseUrl,
    credentials,
    callers,
    cadence: { ...LOCAL_CADENCE, ...options.cadence },
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const gateway = await startApiGatewayServer(makeHttpHandler(deps), {
    host,
    port: options.port ?? 0,
    localRoutes: localRoutes(deps),
  });
  const stopSweeper = startSweeper(deps, options.sweepEveryMs ?? 3_000);
  return {
    gatewayUrl: gateway.url,
    ...(simulator ? { simulator } : {}),
    ...(devToken ? { devToken } : {}),
    slackSigningSecret,
    deps,
    close: async () => {
      stopSweeper();
      await gateway.close();
      await deps.close();
      await simulator?.close();
    },
  };
}

/** The local twin of the 5-minute sweeper rule, run every few seconds (and at once, to resume after a restart). */
function startSweeper(deps: LocalDeps, everyMs: number): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await sweepOverdue(
        { ...deps, logger: deps.logger.createChild() },
        { graceMs: Math.min(everyMs, 5_000), limit: 25 },
        Date.now() + 60_000,
      );
    } catch (error) {
      deps.logger.error("local sweeper failed", { error: error as Error });
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** One caller, `local-dev`, allowed every project, with callbacks allowed to local receivers. */
function devRegistry(token: string): CallerRegistry {
  return {
    callers: [
      {
        id: "local-dev",
        tokenSha256: [hashToken(token)],
        signingSecrets: [],
        projects: [{ groupId: "*" }],
        callbackSecret: `whsec_${randomBytes(24).toString("base64")}`,
        callbackHosts: ["127.0.0.1", "localhost"],
        // The local Slack workspace and the local automation source act as the dev caller.
        slack: [{ teamId: LOCAL_SLACK_TEAM }],
        eventSources: [{ source: LOCAL_EVENT_SOURCE }],
      },
    ],
  };
}

async function readCallersFile(path: string): Promise<CallerRegistry> {
  return parseCallerRegistry(JSON.parse(await readFile(path, "utf8")), `file ${path}`);
}
