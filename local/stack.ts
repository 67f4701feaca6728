import { randomBytes } from "node:crypto";
import { PEERING_CALLS_PATTERN } from "../src/channels/eventbridge/cloudTrailEvent.js";
import type { CadencePolicy } from "../src/domain/change/cadence.js";
import { createLogger } from "../src/observability/logger.js";
import {
  CHANGE_EVENT_DETAIL_TYPE,
  CHANGE_EVENT_SOURCE,
  EXPIRING_DETAIL_TYPE,
  NOTIFICATION_DUE_DETAIL_TYPE,
  REQUESTED_DETAIL_TYPE,
} from "../src/ports/ChangeNotifications.js";
import { type AwsDeps, awsDeps } from "../src/wiring/aws.js";
import { eventsEntry, httpEntry, notifyEntry, recheckEntry, sweeperEntry } from "../src/wiring/entries.js";
import { startApiGatewayServer } from "./apiGatewayServer.js";
import type { EmulatedSchedule } from "./aws/scheduler.js";
import { devRegistry, LOCAL_EVENT_SOURCE, readCallersFile } from "./callersFile.js";
import { type FunctionKey, type LocalAtlas, type LocalCloud, startLocalCloud } from "./cloud.js";
import { LocalFunction, type LocalFunctionSpec, lambdaContext } from "./localFunction.js";
import { type FunctionRule, localRoutes } from "./localRoutes.js";
import { type PublishedChangeEvent, publishedOn, toPublishedEvent } from "./publishedEvents.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "./simulator/index.js";
import { portTaken } from "./startErrors.js";
import { startSweeper, sweepGraceMs } from "./sweeper.js";

export { LOCAL_EVENT_SOURCE, LOCAL_SLACK_TEAM } from "./callersFile.js";

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
  /** Keep changes and the simulator's state in this folder across restarts (in memory otherwise). */
  dataDir?: string;
  /** Re-check cadence; fast by default so a change settles in seconds against the simulator. */
  cadence?: Partial<CadencePolicy>;
  /** How often the sweeper looks for overdue changes (it also runs once at start). */
  sweepEveryMs?: number;
  logLevel?: string;
  /** Told about each event the gateway publishes on its bus (`npm start` prints them). */
  onEvent?: (event: PublishedChangeEvent) => void;
  /** The local Slack app's signing secret (`SLACK_SIGNING_SECRET`); generated when absent. */
  slackSigningSecret?: string;
}

/**
 * The re-check, events, notify and sweeper functions, each invocable as Scheduler or EventBridge would invoke
 * it.
 */
export interface LocalFunctions {
  recheck: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof recheckEntry>>>>;
  events: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof eventsEntry>>>>;
  notify: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof notifyEntry>>>>;
  sweeper: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof sweeperEntry>>>>;
}

export interface LocalStack {
  gatewayUrl: string;
  simulator?: AtlasSimulator;
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

/** Timeouts and memory as serverless.yml gives them (http: the provider's 29 s). */
const FUNCTIONS: Record<FunctionKey, { timeoutSeconds: number; memoryMb: number }> = {
  http: { timeoutSeconds: 29, memoryMb: 512 },
  recheck: { timeoutSeconds: 60, memoryMb: 512 },
  events: { timeoutSeconds: 60, memoryMb: 512 },
  notify: { timeoutSeconds: 60, memoryMb: 512 },
  sweeper: { timeoutSeconds: 120, memoryMb: 512 },
};

/** The rule serverless.yml puts on the gateway's bus for the events function. */
const REQUESTED_PATTERN = { "detail-type": [REQUESTED_DETAIL_TYPE] };
/** The rule serverless.yml puts on the gateway's bus for the notify function. */
const NOTIFY_PATTERN = {
  source: [CHANGE_EVENT_SOURCE],
  "detail-type": [CHANGE_EVENT_DETAIL_TYPE, EXPIRING_DETAIL_TYPE, NOTIFICATION_DUE_DETAIL_TYPE],
};

/**
 * Starts the gateway on 127.0.0.1 with no AWS or Atlas account. The five functions are built by the
 * production entries (`src/wiring/entries.ts`, each with its own `awsDeps(env)`, as five Lambda containers)
 * and run in this process against local stand-ins of Secrets Manager, DynamoDB, EventBridge Scheduler and
 * EventBridge (`local/cloud.ts`): the http function behind an API Gateway v2 adapter, the recheck function
 * invoked by the Scheduler emulator's schedules, the events and notify functions by rules on the gateway's bus, the
 * sweeper on a timer. Atlas is the embedded simulator unless a real Atlas is configured.
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
  const callers = options.callersFile
    ? await readCallersFile(options.callersFile)
    : JSON.stringify(devRegistry(devToken ?? ""));
  const slackSigningSecret = options.slackSigningSecret ?? randomBytes(16).toString("hex");
  const simulatorPort = options.simulatorPort ?? 0;
  const simulator = options.atlas
    ? undefined
    : await startAtlasSimulator({
        host,
        port: simulatorPort,
        stepMs: options.simulatorStepMs ?? 2_000,
        autoAccept: options.simulatorAutoAccept ?? true,
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      }).catch(portTaken("ATLAS_SIM_PORT", host, simulatorPort));
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
      slackSigningSecret,
      cadence: { ...LOCAL_CADENCE, ...options.cadence },
      sweepGraceMs: sweepGraceMs(sweepEveryMs),
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      onFire: (schedule) => fireSchedule(schedule),
    });
  } catch (error) {
    await simulator?.close();
    throw error;
  }
  const { env } = cloud;
  const spec = (key: FunctionKey): LocalFunctionSpec => ({
    name: cloud.functionName(key),
    arn: cloud.functionArn(key),
    ...FUNCTIONS[key],
  });
  const functions: LocalFunctions = {
    recheck: new LocalFunction(spec("recheck"), () => recheckEntry(env)),
    events: new LocalFunction(spec("events"), () => eventsEntry(env)),
    notify: new LocalFunction(spec("notify"), () => notifyEntry(env)),
    sweeper: new LocalFunction(spec("sweeper"), () => sweeperEntry(env)),
  };
  let deps: AwsDeps;
  try {
    deps = awsDeps(env);
  } catch (error) {
    await Promise.all([cloud.close(), simulator?.close()]);
    throw error;
  }
  // Scheduler invokes its target asynchronously with the schedule's Input. An invocation that fails would be
  // retried by Lambda and then dead-lettered; here it is logged, and the sweeper re-checks the change.
  fireSchedule = async (schedule) => {
    if (closing) return;
    const target = schedule.input.Target;
    if (target?.Arn !== functions.recheck.spec.arn) {
      log.error("a schedule targets no local function", { schedule: schedule.name, target: target?.Arn });
      return;
    }
    try {
      await functions.recheck.invoke(JSON.parse(target.Input ?? "null"));
    } catch (error) {
      log.error("the recheck function failed (Lambda would retry it; the sweeper re-checks the change)", {
        schedule: schedule.name,
        error: error as Error,
      });
    }
  };
  const rules: FunctionRule[] = [
    {
      name: `${cloud.functionName("events")}-requested`,
      pattern: REQUESTED_PATTERN,
      invoke: (event) => functions.events.invoke(event),
    },
    {
      // serverless.yml's CloudTrail rules: this account's calls on the default bus, peer accounts' forwarded to
      // the gateway's bus. `POST /__local/events` takes the same CloudTrail-shaped events.
      name: `${cloud.functionName("events")}-peering-calls`,
      pattern: PEERING_CALLS_PATTERN,
      invoke: (event) => functions.events.invoke(event),
    },
    {
      name: `${cloud.functionName("notify")}-notifications`,
      pattern: NOTIFY_PATTERN,
      invoke: (event) => functions.notify.invoke(event),
    },
  ];
  const busRuleError = (rule: string, error: unknown) =>
    log.error("a rule's target function failed (Lambda would retry it, then dead-letter the event)", {
      rule,
      error: error as Error,
    });
  // EventBridge invokes the events function asynchronously too: a failure is logged the same way.
  for (const rule of rules) {
    cloud.eventBridge.addRule({
      name: rule.name,
      eventBusName: cloud.names.eventBus,
      pattern: rule.pattern,
      target: async (event) => {
        if (closing) return;
        await rule.invoke(event).catch((error: unknown) => busRuleError(rule.name, error));
      },
    });
  }
  // CloudTrail puts this account's calls on the default bus (a PutEvents without a bus name, locally).
  cloud.eventBridge.addRule({
    name: `${cloud.functionName("events")}-peering-calls-default`,
    pattern: PEERING_CALLS_PATTERN,
    target: async (event) => {
      if (closing) return;
      await functions.events.invoke(event).catch((error: unknown) => busRuleError("peering-calls", error));
    },
  });
  const { onEvent } = options;
  if (onEvent) {
    // A subscriber to the gateway's own events, as a caller's rule on the bus would be.
    cloud.eventBridge.addRule({
      name: "local-on-event",
      eventBusName: cloud.names.eventBus,
      pattern: { source: [CHANGE_EVENT_SOURCE], "detail-type": [CHANGE_EVENT_DETAIL_TYPE] },
      target: async (event) => {
        const published = toPublishedEvent(event);
        if (published) onEvent(published);
      },
    });
  }
  const published = () => publishedOn(cloud.eventBridge.published, cloud.names.eventBus);
  const http = httpEntry(env, deps);
  const httpSpec = spec("http");
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
    await Promise.all([cloud.close(), simulator?.close()]);
    return portTaken("PORT", host, port)(error);
  });
  const stopSweeper = startSweeper(functions.sweeper, cloud, sweepEveryMs, log, () => closing);
  return {
    gatewayUrl: gateway.url,
    ...(simulator ? { simulator } : {}),
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
      await cloud.eventBridge.settled();
      await cloud.close();
      await simulator?.close();
    },
  };
}
