import { randomBytes } from "node:crypto";
import type { CadencePolicy } from "../src/domain/change/cadence.js";
import { createLogger } from "../src/observability/logger.js";
import { type AwsDeps, awsDeps } from "../src/wiring/aws.js";
import { httpEntry } from "../src/wiring/entries.js";
import { startApiGatewayServer } from "./apiGatewayServer.js";
import type { EmulatedSchedule } from "./aws/scheduler.js";
import { addBusRules } from "./busRules.js";
import { devRegistry, LOCAL_EVENT_SOURCE, readCallersFile } from "./callersFile.js";
import { type LocalAtlas, type LocalCloud, startLocalCloud } from "./cloud.js";
import { functionSpec, type LocalFunctions, localFunctions, scheduleFirer } from "./functions.js";
import { type LocalFunction, lambdaContext } from "./localFunction.js";
import { localRoutes } from "./localRoutes.js";
import { type LocalPeerAccounts, startLocalPeerAccounts } from "./peerAccounts.js";
import { readPolicyFile } from "./policyFile.js";
import { type PublishedChangeEvent, publishedOn } from "./publishedEvents.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "./simulator/index.js";
import { portTaken } from "./startErrors.js";
import { startSweeper, sweepGraceMs } from "./sweeper.js";

export { LOCAL_EVENT_SOURCE, LOCAL_SLACK_TEAM } from "./callersFile.js";
export type { LocalFunctions } from "./functions.js";

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
  atlas?: LocalAtlas;
  devToken?: string;
  callersFile?: string;
  /** The project policy (`GATEWAY_POLICY_FILE`), put in the policy secret; none: nothing is restricted. */
  policyFile?: string;
  /** Keep changes and the simulator's state in this folder across restarts (in memory otherwise). */
  dataDir?: string;
  /** Re-check cadence; fast by default so a change settles in seconds against the simulator. */
  cadence?: Partial<CadencePolicy>;
  /** How often the sweeper looks for overdue changes (it also runs once at start). */
  sweepEveryMs?: number;
  /** The drift check's interval (`DRIFT_CHECK_SECONDS`, 30 locally); it runs on the sweeper's ticks when due. */
  driftCheckSeconds?: number;
  logLevel?: string;
  /** Told about each event the gateway publishes on its bus (`npm start` prints them). */
  onEvent?: (event: PublishedChangeEvent) => void;
  /** The local Slack app's signing secret (`SLACK_SIGNING_SECRET`); generated when absent. */
  slackSigningSecret?: string;
}

export interface LocalStack {
  gatewayUrl: string;
  simulator?: AtlasSimulator;
  /**
   * With the embedded simulator: the peers' AWS accounts (the EC2/STS emulator). The gateway accepts for the
   * demo AWS peer's account; a person accepts for the other one's.
   */
  peerAccounts?: LocalPeerAccounts;
  /** The dev caller's bearer token; absent when a callers file is used. */
  devToken?: string;
  /** Whether the dev token was generated here (so the banner may print it) rather than supplied. */
  devTokenGenerated?: boolean;
  /** What the local Slack route verifies signatures with (it is in the Slack secret). */
  slackSigningSecret: string;
  /** The http function's production dependencies (`awsDeps(env)`), pointed at the local stand-ins. */
  deps: AwsDeps;
  /** The local stand-ins of AWS: what was stored, scheduled and published, and the functions' environment. */
  cloud: LocalCloud;
  functions: LocalFunctions;
  /** Every event the gateway published on its bus, oldest first. */
  readonly events: PublishedChangeEvent[];
  close(): Promise<void>;
}

export const LOCAL_CADENCE: CadencePolicy = {
  recheckDelayMs: 2_000,
  humanWaitMaxMs: 10_000,
  deadlineMs: 168 * 3_600_000,
};

/**
 * Starts the gateway on 127.0.0.1 with no AWS or Atlas account. The five functions are built by the
 * production entries (`src/wiring/entries.ts`, each with its own `awsDeps(env)`, as five Lambda containers)
 * and run in this process against local stand-ins of Secrets Manager, DynamoDB, EventBridge Scheduler and
 * EventBridge (`local/cloud.ts`): the http function behind an API Gateway v2 adapter, the recheck function
 * invoked by the Scheduler emulator's schedules, the events and notify functions by rules on the gateway's bus, the
 * sweeper on a timer. Atlas is the embedded simulator unless a real Atlas is configured; with it, the peers'
 * AWS accounts are the EC2/STS emulator (`local/peerAccounts.ts`), where the gateway accepts for the demo AWS
 * peer's account (the dev registry's `awsAccounts`).
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? "127.0.0.1";
  const sweepEveryMs = options.sweepEveryMs ?? 3_000;
  const log = createLogger({
    serviceName: "atlas-peering-gateway-local",
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const devToken = options.callersFile
    ? undefined
    : (options.devToken ?? `dev-${randomBytes(18).toString("base64url")}`);
  // Read before anything starts: a bad callers file fails the start, naming the file.
  const callersFile = options.callersFile ? await readCallersFile(options.callersFile) : undefined;
  const policy = options.policyFile ? await readPolicyFile(options.policyFile) : undefined;
  const slackSigningSecret = options.slackSigningSecret ?? randomBytes(16).toString("hex");
  const peerAccounts = options.atlas ? undefined : await startLocalPeerAccounts();
  const callers =
    callersFile ??
    JSON.stringify({
      ...devRegistry(devToken ?? ""),
      ...(peerAccounts ? { awsAccounts: peerAccounts.registrySection } : {}),
    });
  const simulator = peerAccounts && (await startSimulator(options, host, peerAccounts));
  let closing = false;
  // Set once the functions exist; no schedule can fire before the http function has created one.
  let fireSchedule: (schedule: EmulatedSchedule) => Promise<void> = async () => undefined;
  let cloud: LocalCloud;
  try {
    cloud = await startLocalCloud({
      atlas: options.atlas ?? {
        baseUrl: simulator?.url ?? "",
        publicKey: DEMO_PUBLIC_KEY,
        privateKey: DEMO_PRIVATE_KEY,
      },
      callers,
      ...(policy === undefined ? {} : { policy }),
      slackSigningSecret,
      cadence: { ...LOCAL_CADENCE, ...options.cadence },
      sweepGraceMs: sweepGraceMs(sweepEveryMs),
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      onFire: (schedule) => fireSchedule(schedule),
      ...(peerAccounts ? { peerAccountsUrl: peerAccounts.url } : {}),
    });
  } catch (error) {
    await Promise.all([simulator?.close(), peerAccounts?.close()]);
    throw error;
  }
  peerAccounts?.publishTo(cloud.eventBridge, { accountId: cloud.accountId, eventBus: cloud.names.eventBus });
  const { env } = cloud;
  env.DRIFT_CHECK_SECONDS = String(options.driftCheckSeconds ?? 30);
  const functions = localFunctions(cloud);
  let deps: AwsDeps;
  try {
    deps = awsDeps(env);
  } catch (error) {
    await Promise.all([cloud.close(), simulator?.close(), peerAccounts?.close()]);
    throw error;
  }
  fireSchedule = scheduleFirer(functions.recheck, log, () => closing);
  const { rules, onError: busRuleError } = addBusRules(cloud, functions, {
    log,
    closing: () => closing,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const published = () => publishedOn(cloud.eventBridge.published, cloud.names.eventBus);
  const http = httpEntry(env, deps);
  const httpSpec = functionSpec(cloud, "http");
  const port = options.port ?? 0;
  const gateway = await startApiGatewayServer(
    (event, context) =>
      http(
        event,
        lambdaContext(httpSpec, () => context.getRemainingTimeInMillis()),
      ),
    {
      host,
      port,
      onCrash: (error) =>
        log.error("local api gateway: the http function crashed (API Gateway: 500)", {
          error: error as Error,
        }),
      localRoutes: localRoutes({
        bus: {
          name: cloud.names.eventBus,
          account: cloud.accountId,
          region: cloud.region,
          source: LOCAL_EVENT_SOURCE,
        },
        rules,
        published,
        slackReplies: () => cloud.slack.replies,
        onError: busRuleError,
      }),
    },
  ).catch(async (error: unknown) => {
    await Promise.all([cloud.close(), simulator?.close(), peerAccounts?.close()]);
    return portTaken("PORT", host, port)(error);
  });
  const stopSweeper = startSweeper(functions.sweeper, cloud, sweepEveryMs, log, () => closing);
  return {
    gatewayUrl: gateway.url,
    ...(simulator ? { simulator } : {}),
    ...(peerAccounts ? { peerAccounts } : {}),
    ...(devToken ? { devToken, devTokenGenerated: options.devToken === undefined } : {}),
    slackSigningSecret,
    deps,
    cloud,
    functions,
    get events() {
      return published();
    },
    close: async () => {
      closing = true;
      stopSweeper();
      await gateway.close();
      // Let what is running finish against live stand-ins; nothing new starts once closing.
      await Promise.all(Object.values(functions).map((fn: LocalFunction<unknown, unknown>) => fn.settled()));
      // An accept's simulator call and CloudTrail record, then what the bus was delivering.
      await peerAccounts?.emulator.settled();
      await cloud.eventBridge.settled();
      await cloud.close();
      await simulator?.close();
      await peerAccounts?.close();
    },
  };
}

/**
 * The embedded simulator, with the AWS peer in another account, its requests put into the peers' accounts
 * and their accepts there moving its peers on. A port in use fails the start, naming ATLAS_SIM_PORT.
 */
async function startSimulator(
  options: LocalStackOptions,
  host: string,
  peerAccounts: LocalPeerAccounts,
): Promise<AtlasSimulator> {
  const port = options.simulatorPort ?? 0;
  const simulator = await startAtlasSimulator({
    host,
    port,
    stepMs: options.simulatorStepMs ?? 2_000,
    autoAccept: options.simulatorAutoAccept ?? true,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    otherAccountPeer: true,
    onPendingAcceptance: (peering) => peerAccounts.onPendingAcceptance(peering),
  }).catch(async (error: unknown) => {
    await peerAccounts.close();
    return portTaken("ATLAS_SIM_PORT", host, port)(error);
  });
  peerAccounts.linkTo(simulator);
  return simulator;
}
