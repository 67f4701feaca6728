import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ensureChangeTable } from "../src/adapters/aws/dynamodb/createTable.js";
import type { CadencePolicy } from "../src/domain/change/cadence.js";
import { type DynamoDbEmulator, startDynamoDbEmulator } from "./aws/dynamodb.js";
import { type EventBridgeEmulator, startEventBridgeEmulator } from "./aws/eventBridge.js";
import { type EmulatedSchedule, type SchedulerEmulator, startSchedulerEmulator } from "./aws/scheduler.js";
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from "./aws/secretsManager.js";
import { type SlackReplyCatcher, startSlackReplyCatcher } from "./slackReplies.js";

/** The service and stage the local stack plays: names follow serverless.yml with `--stage local`. */
export const LOCAL_SERVICE = "atlas-peering-gateway";
export const LOCAL_STAGE = "local";
const PREFIX = `${LOCAL_SERVICE}-${LOCAL_STAGE}`;
const DEFAULT_REGION = "eu-west-1";
const ACCOUNT_ID = "123456789012";

/** The four functions of serverless.yml, by their key there. */
export type FunctionKey = "http" | "recheck" | "events" | "notify" | "sweeper";

/** Where Atlas is, and what the gateway authenticates to it with (API keys or a service account). */
export type LocalAtlas =
  | { baseUrl: string; publicKey: string; privateKey: string }
  | { baseUrl: string; clientId: string; clientSecret: string };

/** What {@link startLocalCloud} puts in the emulated account and in the functions' environment. */
export interface LocalCloudOptions {
  atlas: LocalAtlas;
  /** The callers registry, as the JSON text the callers secret holds. */
  callers: string;
  /** The project policy, as the JSON text the policy secret holds; absent: no secret, so no policy. */
  policy?: string;
  /** The Slack app's signing secret (stored as `{"signingSecret": …}`). */
  slackSigningSecret: string;
  cadence: CadencePolicy;
  /** How late a check must be before the sweeper takes it. */
  sweepGraceMs: number;
  /** Keep DynamoDB's data in this folder across restarts (in memory otherwise). */
  dataDir?: string;
  /** Powertools log level of the functions (`POWERTOOLS_LOG_LEVEL`); the SDK's default when absent. */
  logLevel?: string;
  /** What a schedule invokes when it fires (the local stack: the recheck function). */
  onFire: (schedule: EmulatedSchedule) => Promise<void>;
  /** The peers' AWS accounts (the EC2/STS emulator): where the peer side's STS and EC2 calls go. */
  peerAccountsUrl?: string;
}

/** The emulated AWS account the local functions run against. */
export interface LocalCloud {
  region: string;
  accountId: string;
  secretsManager: SecretsManagerEmulator;
  dynamodb: DynamoDbEmulator;
  scheduler: SchedulerEmulator;
  eventBridge: EventBridgeEmulator;
  /** The stand-in of hooks.slack.com: the replies to slash commands, captured (`SLACK_RESPONSE_BASE_URL`). */
  slack: SlackReplyCatcher;
  /** The environment every function gets: what the template gives them, pointed at the emulators. */
  env: Record<string, string>;
  /** The resources' names, as the template would name them for stage `local`. */
  names: {
    atlasSecret: string;
    callersSecret: string;
    policySecret: string;
    slackSecret: string;
    cursorSecret: string;
    table: string;
    scheduleGroup: string;
    eventBus: string;
  };
  /** `atlas-peering-gateway-local-<key>` */
  functionName(key: FunctionKey): string;
  functionArn(key: FunctionKey): string;
  close(): Promise<void>;
}

/**
 * Fills in what the SDK reads from `process.env` and Lambda would provide: a region, credentials (dummies:
 * the emulators check none) and, as no metrics backend runs locally, `POWERTOOLS_METRICS_DISABLED` (EMF lines
 * would flood the terminal). Only variables that are unset are set.
 */
export function applyLocalAwsDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_REGION ||= DEFAULT_REGION;
  env.AWS_ACCESS_KEY_ID ||= "local";
  env.AWS_SECRET_ACCESS_KEY ||= "local";
  env.POWERTOOLS_METRICS_DISABLED ||= "true";
}

/**
 * Starts the local stand-ins of the AWS services the gateway calls, on 127.0.0.1: Secrets Manager (holding the
 * Atlas keys, the callers registry and the Slack signing secret), DynamoDB (dynalite, with the change table),
 * EventBridge Scheduler (firing each schedule at its time through `onFire`), EventBridge (recording what is
 * published, delivering it to rules) and hooks.slack.com (capturing the replies to slash commands). Returns
 * them with the functions' environment.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  applyLocalAwsDefaults();
  const region = process.env.AWS_REGION ?? DEFAULT_REGION;
  const scope = { host: "127.0.0.1" as const, region, accountId: ACCOUNT_ID };
  const names = {
    atlasSecret: `${LOCAL_SERVICE}/${LOCAL_STAGE}/atlas`,
    callersSecret: `${LOCAL_SERVICE}/${LOCAL_STAGE}/callers`,
    policySecret: `${LOCAL_SERVICE}/${LOCAL_STAGE}/policy`,
    slackSecret: `${LOCAL_SERVICE}/${LOCAL_STAGE}/slack`,
    cursorSecret: `${LOCAL_SERVICE}/${LOCAL_STAGE}/cursor-key`,
    // The name the local stack always used, so an existing GATEWAY_DATA_DIR keeps its changes.
    table: PREFIX,
    scheduleGroup: PREFIX,
    eventBus: PREFIX,
  };
  const started: Array<{ close(): Promise<void> }> = [];
  const track = async <T extends { close(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
    const emulator = await starting;
    started.push(emulator);
    return emulator;
  };
  try {
    const [secretsManager, dynamodb, scheduler, eventBridge, slack] = await Promise.all([
      track(
        startSecretsManagerEmulator({
          ...scope,
          secrets: {
            [names.atlasSecret]: JSON.stringify(atlasSecret(options.atlas)),
            [names.callersSecret]: options.callers,
            ...(options.policy === undefined ? {} : { [names.policySecret]: options.policy }),
            [names.slackSecret]: JSON.stringify({ signingSecret: options.slackSigningSecret }),
            // Generated per start, as the stack generates one per stage: an earlier run's cursors are refused.
            [names.cursorSecret]: JSON.stringify({ key: randomBytes(32).toString("base64url") }),
          },
        }),
      ),
      track(startDynamoDbEmulator({ ...scope, ...(options.dataDir ? { path: options.dataDir } : {}) })),
      track(startSchedulerEmulator({ ...scope, onFire: options.onFire })),
      track(startEventBridgeEmulator(scope)),
      track(startSlackReplyCatcher()),
    ]);
    await createTable(dynamodb.url, region, names.table);
    const functionName = (key: FunctionKey) => `${PREFIX}-${key}`;
    const functionArn = (key: FunctionKey) =>
      `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName(key)}`;
    const env: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: `${LOCAL_SERVICE}-${LOCAL_STAGE}`,
      ...(options.logLevel ? { POWERTOOLS_LOG_LEVEL: options.logLevel } : {}),
      ATLAS_SECRET_ID: names.atlasSecret,
      CALLERS_SECRET_ID: names.callersSecret,
      // Always set, as the template sets it: the secret exists only with GATEWAY_POLICY_FILE.
      POLICY_SECRET_ID: names.policySecret,
      SLACK_SIGNING_SECRET_ID: names.slackSecret,
      CURSOR_SECRET_ID: names.cursorSecret,
      ATLAS_BASE_URL: options.atlas.baseUrl,
      // Short, so a secret changed in the emulator is seen within seconds.
      SECRETS_MAX_AGE_SECONDS: "5",
      CALLERS_MAX_AGE_SECONDS: "5",
      // Roomy: drills and the e2e suites send bursts of changes from one caller; AWS keeps 30/min, burst 10.
      RATE_LIMIT_PER_MINUTE: "600",
      RATE_LIMIT_BURST: "100",
      // Quick retries and timeouts, so drills against the simulator take seconds.
      ATLAS_MAX_ATTEMPTS: "4",
      ATLAS_RETRY_BASE_MS: "100",
      ATLAS_RETRY_MAX_MS: "2000",
      ATLAS_CONNECT_TIMEOUT_MS: "2000",
      ATLAS_HEADERS_TIMEOUT_MS: "10000",
      ATLAS_BODY_TIMEOUT_MS: "10000",
      CHANGES_TABLE: names.table,
      SCHEDULE_GROUP: names.scheduleGroup,
      RECHECK_FUNCTION_ARN: functionArn("recheck"),
      SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT_ID}:role/${PREFIX}-scheduler`,
      RECHECK_DLQ_ARN: `arn:aws:sqs:${region}:${ACCOUNT_ID}:${PREFIX}-recheck-dlq`,
      EVENT_BUS_NAME: names.eventBus,
      RECHECK_DELAY_SECONDS: String(options.cadence.recheckDelayMs / 1000),
      RECHECK_HUMAN_WAIT_MAX_SECONDS: String(options.cadence.humanWaitMaxMs / 1000),
      CHANGE_DEADLINE_HOURS: String(options.cadence.deadlineMs / 3_600_000),
      SWEEP_GRACE_SECONDS: String(options.sweepGraceMs / 1000),
      // Slack's response_url may point at a receiver on this machine (tests, rehearsals).
      SLACK_REPLY_HOSTS: "hooks.slack.com,127.0.0.1,localhost",
      // Replies to a real-looking https://hooks.slack.com/… response_url are captured here, not lost.
      SLACK_RESPONSE_BASE_URL: slack.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
      ...(options.peerAccountsUrl === undefined
        ? {}
        : { AWS_ENDPOINT_URL_EC2: options.peerAccountsUrl, AWS_ENDPOINT_URL_STS: options.peerAccountsUrl }),
    };
    return {
      region,
      accountId: ACCOUNT_ID,
      secretsManager,
      dynamodb,
      scheduler,
      eventBridge,
      slack,
      env,
      names,
      functionName,
      functionArn,
      close: () => closeAll(started),
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

/** The Atlas secret's JSON, in the gateway's own shapes (see src/adapters/atlas/credentials.ts). */
function atlasSecret(atlas: LocalAtlas): Record<string, string> {
  return "clientId" in atlas
    ? { clientId: atlas.clientId, clientSecret: atlas.clientSecret }
    : { publicKey: atlas.publicKey, privateKey: atlas.privateKey };
}

/** The change table, as the gateway's own definition makes it (a table kept in a data folder is reused). */
async function createTable(endpoint: string, region: string, tableName: string): Promise<void> {
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  const client = new DynamoDBClient({ endpoint, region, credentials });
  try {
    await ensureChangeTable(client, tableName);
  } finally {
    client.destroy();
  }
}

async function closeAll(emulators: Array<{ close(): Promise<void> }>): Promise<void> {
  await Promise.allSettled(emulators.map((emulator) => emulator.close()));
}
