import { createHash, randomBytes } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { createTableFromTemplate, startDynamoDbEmulator } from "../local/aws/dynamodb.js";
import { startEventBridgeEmulator } from "../local/aws/eventBridge.js";
import { type EmulatedSchedule, startSchedulerEmulator } from "../local/aws/scheduler.js";
import { startSecretsManagerEmulator } from "../local/aws/secretsManager.js";
import type { FunctionSpec } from "../local/lambda/functions.js";
import { type LambdaProcess, startLambda } from "../local/lambda/runtime.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../local/simulator/index.js";
import { IoRecorder } from "./ioRecorder.js";
import { type ApiRequest, apiGatewayEvent, awsPeerPatchBody } from "./lambdaEvents.js";
import type { Package } from "./packaging.js";
import { ChangeSettler, SIM_STEP_MS } from "./settle.js";

/** A started function with the wall time from spawn to its handler being loaded. */
export interface Started {
  fn: LambdaProcess;
  readyWallMs: number;
  startedAt: number;
}

/** The two bench callers' bearer tokens, and the callback secret of the second. */
interface Callers {
  token: string;
  /** A second caller whose callbacks may go to 127.0.0.1 (the hanging and streaming hosts of callbackDelay.ts). */
  callbackToken: string;
  callbackSecret: string;
}

function newCallers(): Callers {
  return {
    token: `bench-${randomBytes(12).toString("hex")}`,
    callbackToken: `bench-cb-${randomBytes(12).toString("hex")}`,
    callbackSecret: `whsec_${randomBytes(24).toString("base64")}`,
  };
}

/** Secrets Manager seeded as in production: the Atlas keys, and a callers registry holding tokens as SHA-256. */
function seededSecrets(env: Record<string, string>, callers: Callers): Record<string, string> {
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  return {
    [String(env.ATLAS_SECRET_ID)]: JSON.stringify({
      publicKey: DEMO_PUBLIC_KEY,
      privateKey: DEMO_PRIVATE_KEY,
    }),
    [String(env.CALLERS_SECRET_ID)]: JSON.stringify({
      callers: [
        { id: "bench", tokenSha256: [sha256(callers.token)], projects: [{ groupId: "*" }] },
        {
          id: "bench-callbacks",
          tokenSha256: [sha256(callers.callbackToken)],
          projects: [{ groupId: "*" }],
          callbackSecret: callers.callbackSecret,
          callbackHosts: ["127.0.0.1"],
        },
      ],
    }),
  };
}

/** Fresh execution environments with the stand-ins' endpoints, each remembered until it stops. */
function environments(overrides: Record<string, string>) {
  const running = new Set<LambdaProcess>();
  /** Starts a fresh execution environment; the wall time runs from before the spawn to the ready message. */
  const start = async (
    spec: FunctionSpec,
    codeDir: string,
    extra: Record<string, string> = {},
  ): Promise<Started> => {
    const startedAt = performance.now();
    const fn = await startLambda(spec, codeDir, { overrides: { ...overrides, ...extra } });
    const readyWallMs = performance.now() - startedAt;
    running.add(fn);
    const stop = fn.stop.bind(fn);
    fn.stop = async () => {
      running.delete(fn);
      await stop();
    };
    return { fn, readyWallMs, startedAt };
  };
  const stopAll = async () => {
    await Promise.all([...running].map((fn) => fn.stop()));
  };
  return { start, stopAll };
}

/** The stand-ins, each on 127.0.0.1; `onFire` is what a schedule the bench fires invokes. */
async function startStandIns(
  pkg: Package,
  callers: Callers,
  onFire: (schedule: EmulatedSchedule) => Promise<void>,
) {
  const secrets = await startSecretsManagerEmulator({
    secrets: seededSecrets(pkg.specs[0]?.environment ?? {}, callers),
  });
  const dynamo = await startDynamoDbEmulator();
  const table = pkg.template.Resources.ChangesTable;
  if (!table) throw new Error("the template has no ChangesTable");
  await createTableFromTemplate(dynamo.url, table as { Properties: Record<string, unknown> });
  const scheduler = await startSchedulerEmulator({ autoFire: false, onFire });
  const bus = await startEventBridgeEmulator({});
  const sim = await startAtlasSimulator({ stepMs: SIM_STEP_MS, nonceLifetimeMs: 3_600_000 });
  return { secrets, dynamo, scheduler, bus, sim };
}

type StandIns = Awaited<ReturnType<typeof startStandIns>>;

/** One recorder over every stand-in's call log, so a request's calls are seen in arrival order across them. */
function recordIo({ secrets, dynamo, scheduler, bus, sim }: StandIns): IoRecorder {
  const io = new IoRecorder();
  io.watch(secrets.calls, (call) => ({ service: "secretsmanager", call }));
  io.watch(dynamo.calls, (call) => ({ service: "dynamodb", call }));
  io.watch(scheduler.calls, (call) => ({ service: "scheduler", call }));
  io.watch(bus.calls, (call) => ({ service: "events", call }));
  io.watch(sim.requests, (request) => ({ service: "atlas", request }));
  return io;
}

/** The environment variables that point a function's SDK clients and Atlas client at the stand-ins. */
function endpointsOf({ secrets, dynamo, scheduler, bus, sim }: StandIns): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
    ATLAS_BASE_URL: sim.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // The bench times the gateway, not the per-caller change limit: its one caller sends hundreds of changes.
    RATE_LIMIT_PER_MINUTE: "6000",
    RATE_LIMIT_BURST: "1000",
    // Likewise Atlas's budget: the simulator's headers report Atlas's 100-a-minute window, which the bench's
    // hundreds of back-to-back calls exhaust, and the gateway then rightly holds them back. So §1–§6 run with
    // the budget off (they time the gateway without its DynamoDB draw, one UpdateItem per Atlas call); §7
    // measures the budget, as shipped, against Atlas's bucket.
    ATLAS_RATE_BUDGET: "off",
  };
}

/** The requests the bench hands the http function: the drop-in PATCH of the AWS demo peer, any API call. */
function gatewayRequests(sim: AtlasSimulator, token: string) {
  const { groupId, peers } = sim.demo;
  const path = `/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`;
  const body = (cidr: string) => awsPeerPatchBody(peers.aws, cidr);
  /** An API Gateway (payload v2) event; the bearer token is the bench caller's unless `token` says otherwise. */
  const apiEvent = (method: string, pathWithQuery: string, request: Partial<ApiRequest> = {}) =>
    apiGatewayEvent(method, pathWithQuery, { ...request, token: request.token ?? token });
  /** The API Gateway HTTP API (payload v2) event of the drop-in PATCH, as API Gateway would send it. */
  const patchEvent = (cidr: string): APIGatewayProxyEventV2 => apiEvent("PATCH", path, { body: body(cidr) });

  return { path, body, apiEvent, patchEvent };
}

/**
 * The emulated account and Atlas the packaged functions run against: Secrets Manager seeded as in production
 * (the Atlas keys `{publicKey, privateKey}`, a callers registry holding the bench caller's bearer token as
 * SHA-256), dynalite with the template's table, Scheduler (fires only when asked) and EventBridge emulators,
 * and the Atlas simulator. Everything listens on 127.0.0.1; `close()` stops it all.
 */
export async function startBenchStack(pkg: Package) {
  const callers = newCallers();
  // The settler is the scheduler's target, and needs the scheduler to fire: each is reached through the other.
  const standIns = await startStandIns(pkg, callers, (schedule) => settler.onFire(schedule));
  const { secrets, dynamo, scheduler, bus, sim } = standIns;
  const io = recordIo(standIns);
  const overrides = endpointsOf(standIns);
  const { start, stopAll } = environments(overrides);
  const settler = new ChangeSettler(pkg, scheduler, start);
  return {
    pkg,
    token: callers.token,
    callbackToken: callers.callbackToken,
    sim,
    secrets,
    dynamo,
    scheduler,
    bus,
    io,
    overrides,
    ...gatewayRequests(sim, callers.token),
    start,
    settle: (changeId: string, patchedAt: number) => settler.settle(changeId, patchedAt),
    setRecheckDir: (dir: string) => settler.setRecheckDir(dir),
    close: async () => {
      await settler.close();
      await stopAll();
      await Promise.all([sim.close(), secrets.close(), dynamo.close(), scheduler.close(), bus.close()]);
    },
  };
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;
