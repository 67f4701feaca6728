import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { AwsCall } from "../local/aws/calls.js";
import { createTableFromTemplate, startDynamoDbEmulator } from "../local/aws/dynamodb.js";
import { startEventBridgeEmulator } from "../local/aws/eventBridge.js";
import { type EmulatedSchedule, startSchedulerEmulator } from "../local/aws/scheduler.js";
import { startSecretsManagerEmulator } from "../local/aws/secretsManager.js";
import type { FunctionSpec } from "../local/lambda/functions.js";
import { type Invocation, type LambdaProcess, startLambda } from "../local/lambda/runtime.js";
import { DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, startAtlasSimulator } from "../local/simulator/index.js";
import type { RecordedRequest } from "../local/simulator/recorder.js";
import type { Package } from "./artefact.js";

export const V2 = "application/vnd.atlas.2023-01-01+json";
/** The simulator's step: a PATCHed peer shows AVAILABLE 3 steps later, so a re-check fired then settles it. */
export const SIM_STEP_MS = 10;

/** One call the stand-ins received, in the order they arrived across all of them. */
interface IoEntry {
  service: "secretsmanager" | "dynamodb" | "scheduler" | "events" | "atlas";
  call?: AwsCall;
  request?: RecordedRequest;
}

/**
 * Records, in arrival order across every stand-in (Secrets Manager, DynamoDB, Scheduler, EventBridge and the
 * Atlas simulator), what a request made them do. The emulators' and the simulator's own logs are arrays they
 * `push` to; the recorder wraps those pushes, so it sees every call as it arrives, without touching them.
 */
export class IoRecorder {
  readonly entries: IoEntry[] = [];

  watch<T>(log: T[], wrap: (item: T) => IoEntry): void {
    const push = log.push.bind(log);
    log.push = (...items: T[]) => {
      for (const item of items) this.entries.push(wrap(item));
      return push(...items);
    };
  }

  mark(): number {
    return this.entries.length;
  }

  /** What arrived since `mark`, one string per call: `dynamodb PutItem attribute_not_exists(#pk)`, `atlas PATCH 200`. */
  since(mark: number): string[] {
    return this.entries.slice(mark).map(kindOf);
  }
}

function kindOf(entry: IoEntry): string {
  if (entry.request) return `atlas ${entry.request.method} ${entry.request.status ?? "?"}`;
  const call = entry.call;
  const input = (call?.input ?? {}) as Record<string, unknown>;
  if (entry.service === "dynamodb")
    return `dynamodb ${call?.action} ${String(input.ConditionExpression ?? "(unconditional)")}`;
  if (entry.service === "secretsmanager") return `secretsmanager ${call?.action} ${String(input.SecretId)}`;
  return `${entry.service} ${call?.action}`;
}

/** Counts per kind, for the report. */
export function tally(kinds: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of kinds) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

/** Same kinds, same counts (order aside: both run the audit write concurrently with the PATCH). */
export function sameIo(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** A started function with the wall time from spawn to its handler being loaded. */
export interface Started {
  fn: LambdaProcess;
  readyWallMs: number;
  startedAt: number;
}

/**
 * The emulated account and Atlas the packaged functions run against: Secrets Manager seeded as in production
 * (the Atlas keys `{publicKey, privateKey}`, a callers registry holding the bench caller's bearer token as
 * SHA-256), dynalite with the template's table, Scheduler (fires only when asked) and EventBridge emulators,
 * and the Atlas simulator. Everything listens on 127.0.0.1; `close()` stops it all.
 */
export async function startBenchStack(pkg: Package) {
  const env = pkg.specs[0]?.environment ?? {};
  const token = `bench-${randomBytes(12).toString("hex")}`;
  // A second caller whose callbacks may go to 127.0.0.1 (the hanging and streaming hosts of callbackDelay.ts).
  const callbackToken = `bench-cb-${randomBytes(12).toString("hex")}`;
  const callbackSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  const secrets = await startSecretsManagerEmulator({
    secrets: {
      [String(env.ATLAS_SECRET_ID)]: JSON.stringify({
        publicKey: DEMO_PUBLIC_KEY,
        privateKey: DEMO_PRIVATE_KEY,
      }),
      [String(env.CALLERS_SECRET_ID)]: JSON.stringify({
        callers: [
          { id: "bench", tokenSha256: [sha256(token)], projects: [{ groupId: "*" }] },
          {
            id: "bench-callbacks",
            tokenSha256: [sha256(callbackToken)],
            projects: [{ groupId: "*" }],
            callbackSecret,
            callbackHosts: ["127.0.0.1"],
          },
        ],
      }),
    },
  });
  const dynamo = await startDynamoDbEmulator();
  const table = pkg.template.Resources.ChangesTable;
  if (!table) throw new Error("the template has no ChangesTable");
  await createTableFromTemplate(dynamo.url, table as { Properties: Record<string, unknown> });
  const rechecks = new Map<string, Invocation>();
  let recheck: LambdaProcess | undefined;
  const scheduler = await startSchedulerEmulator({
    autoFire: false,
    onFire: async (schedule: EmulatedSchedule) => {
      const target = pkg.specs.find((spec) => spec.arn === schedule.input.Target?.Arn);
      if (target?.key !== "recheck" || !recheck) return;
      const input = JSON.parse(schedule.input.Target?.Input ?? "null") as { changeId: string };
      rechecks.set(input.changeId, await recheck.invoke(input));
    },
  });
  const bus = await startEventBridgeEmulator({});
  const sim = await startAtlasSimulator({ stepMs: SIM_STEP_MS, nonceLifetimeMs: 3_600_000 });
  const io = new IoRecorder();
  io.watch(secrets.calls, (call) => ({ service: "secretsmanager", call }));
  io.watch(dynamo.calls, (call) => ({ service: "dynamodb", call }));
  io.watch(scheduler.calls, (call) => ({ service: "scheduler", call }));
  io.watch(bus.calls, (call) => ({ service: "events", call }));
  io.watch(sim.requests, (request) => ({ service: "atlas", request }));
  const overrides = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
    ATLAS_BASE_URL: sim.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const running = new Set<LambdaProcess>();
  const { groupId, peers } = sim.demo;
  const peer = peers.aws;
  const path = `/api/atlas/v2/groups/${groupId}/peers/${peer.peerId}`;

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

  /** The demo AWS peer's writable fields with `cidr`: a valid v2 drop-in body. */
  const body = (cidr: string) =>
    JSON.stringify({
      accepterRegionName: peer.accepterRegionName,
      awsAccountId: peer.awsAccountId,
      containerId: peer.containerId,
      routeTableCidrBlock: cidr,
      vpcId: peer.vpcId,
      providerName: "AWS",
    });

  /**
   * An API Gateway HTTP API (payload v2) event, as API Gateway would send it: `path` may carry a query string;
   * the bearer token is the bench caller's unless `token` says otherwise.
   */
  const apiEvent = (
    method: string,
    pathWithQuery: string,
    options: { body?: string; token?: string; contentType?: string } = {},
  ): APIGatewayProxyEventV2 => {
    const now = new Date();
    const [rawPath = pathWithQuery, rawQueryString = ""] = pathWithQuery.split("?", 2);
    const query = Object.fromEntries(new URLSearchParams(rawQueryString));
    return {
      version: "2.0",
      routeKey: "$default",
      rawPath,
      rawQueryString,
      ...(rawQueryString ? { queryStringParameters: query } : {}),
      headers: {
        authorization: `Bearer ${options.token ?? token}`,
        ...(options.body === undefined ? {} : { "content-type": options.contentType ?? V2 }),
        accept: options.contentType ?? V2,
        host: "gateway.bench.invalid",
        "user-agent": "atlas-peering-gateway-bench",
      },
      requestContext: {
        accountId: "123456789012",
        apiId: "bench",
        domainName: "gateway.bench.invalid",
        domainPrefix: "gateway",
        http: {
          method,
          path: rawPath,
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "atlas-peering-gateway-bench",
        },
        requestId: randomUUID(),
        routeKey: "$default",
        stage: "$default",
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      isBase64Encoded: false,
      ...(options.body === undefined ? {} : { body: options.body }),
    };
  };

  /** The API Gateway HTTP API (payload v2) event of the drop-in PATCH, as API Gateway would send it. */
  const patchEvent = (cidr: string): APIGatewayProxyEventV2 => apiEvent("PATCH", path, { body: body(cidr) });

  /**
   * Ends the change `changeId` the way production does: fires its re-check schedule, which invokes the packaged
   * recheck function (one warm environment, untimed); once the simulator shows the peer AVAILABLE (3 steps
   * after the PATCH) the change SUCCEEDS and its peering lock is released, so the next PATCH finds it free.
   */
  const settle = async (changeId: string, patchedAt: number): Promise<number> => {
    if (!recheck) {
      const spec = pkg.specs.find((s) => s.key === "recheck");
      const dir = recheckDir;
      if (!spec || !dir) throw new Error("the package has no recheck function");
      recheck = (await start(spec, dir)).fn;
    }
    let since = patchedAt;
    for (let fired = 1; fired <= 20; fired++) {
      const wait = since + 3 * SIM_STEP_MS + 5 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const schedule = [...scheduler.schedules.values()].find((s) =>
        String(s.input.Target?.Input ?? "").includes(changeId),
      );
      if (!schedule) throw new Error(`change ${changeId} has no re-check schedule to fire`);
      await scheduler.fire(schedule.name, schedule.groupName);
      const outcome = rechecks.get(changeId);
      const result = outcome?.result as { kind?: string; state?: string; reason?: string } | undefined;
      if (result?.state === "SUCCEEDED" || result?.reason === "already ended") return fired;
      const following = result?.state === "IN_PROGRESS" || result?.state === "WAITING_FOR_USER";
      if (outcome?.error || !following)
        throw new Error(`re-check of ${changeId} ended ${JSON.stringify(outcome)}`);
      since = Date.now();
    }
    throw new Error(`change ${changeId} did not settle after 20 re-checks`);
  };
  let recheckDir: string | undefined;

  return {
    pkg,
    token,
    callbackToken,
    sim,
    secrets,
    dynamo,
    scheduler,
    bus,
    io,
    overrides,
    path,
    body,
    apiEvent,
    patchEvent,
    start,
    settle,
    /** Where the unpacked recheck function lives (set once the package is unpacked). */
    setRecheckDir: (dir: string) => {
      recheckDir = dir;
    },
    close: async () => {
      if (recheck) await recheck.stop();
      await Promise.all([...running].map((fn) => fn.stop()));
      await Promise.all([sim.close(), secrets.close(), dynamo.close(), scheduler.close(), bus.close()]);
    },
  };
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

/** The http function's answer to a PATCH, checked: 200 from Atlas with the peer restarting (INITIATING). */
export function checkedAnswer(label: string, outcome: Invocation): { changeId: string } {
  const result = outcome.result as
    | { statusCode?: number; headers?: Record<string, string>; body?: string }
    | undefined;
  const changeId = result?.headers?.["x-change-request-id"];
  if (outcome.error || result?.statusCode !== 200 || !changeId || !result.body?.includes('"INITIATING"')) {
    throw new Error(`${label}: the PATCH was not accepted: ${JSON.stringify(outcome).slice(0, 600)}`);
  }
  return { changeId };
}
