import { randomUUID } from "node:crypto";
import { ensureChangeTable } from "../src/adapters/dynamodb/createTable.js";
import { DynamoDbAuditLog } from "../src/adapters/dynamodb/DynamoDbAuditLog.js";
import { DynamoDbChangeStore } from "../src/adapters/dynamodb/DynamoDbChangeStore.js";
import { DynamoDbReplayGuard } from "../src/adapters/dynamodb/DynamoDbReplayGuard.js";
import { StandardWebhooksNotifier } from "../src/adapters/StandardWebhooksNotifier.js";
import { StaticCallerDirectory } from "../src/adapters/StaticCallerDirectory.js";
import { StaticCredentialSource } from "../src/adapters/StaticCredentialSource.js";
import { AtlasClient } from "../src/atlas/AtlasClient.js";
import type { AtlasCredentials } from "../src/atlas/credentials.js";
import { createUndiciTransport } from "../src/atlas/transport.js";
import type { CallerRegistry } from "../src/auth/callers.js";
import type { CadencePolicy } from "../src/domain/change/cadence.js";
import type { HttpApiDeps } from "../src/http/HttpApi.js";
import { LoggedAuditLog } from "../src/observability/auditLines.js";
import { createLogger } from "../src/observability/logger.js";
import { noMetrics } from "../src/ports/ChangeMetrics.js";
import { SlackResponseUrlReplies } from "../src/slack/SlackResponseUrlReplies.js";
import { recheckChange } from "../src/usecases/recheckChange.js";
import { startLocalDynamo } from "./dynalite.js";
import { MemoryChangePublisher, type PublishedChangeEvent } from "./MemoryChangePublisher.js";
import { TimerRecheckScheduler } from "./TimerRecheckScheduler.js";

export interface LocalDepsOptions {
  atlasBaseUrl: string;
  credentials: AtlasCredentials;
  callers: CallerRegistry;
  cadence: CadencePolicy;
  /** A folder to keep changes in across restarts; in memory when absent. */
  dataDir?: string;
  logLevel?: string;
  onEvent?: (event: PublishedChangeEvent) => void;
  /** The Slack app's signing secret the local Slack route verifies against. */
  slackSigningSecret: string;
}

export type LocalDeps = HttpApiDeps & {
  events: MemoryChangePublisher;
  scheduler: TimerRecheckScheduler;
  close(): Promise<void>;
};

const TABLE = "atlas-peering-gateway-local";

/** How long a local Lambda invocation may take (the same budget the re-check handler has in AWS). */
const INVOCATION_MS = 60_000;

/**
 * The local stack's wiring: the same use cases, Atlas client and DynamoDB adapter as in AWS, with DynamoDB
 * played by dynalite, the Scheduler by in-process timers that run the same re-check, events kept in memory,
 * and keys and callers held in memory instead of Secrets Manager. Retries are quick so drills take seconds.
 */
export async function localDeps(options: LocalDepsOptions): Promise<LocalDeps> {
  const logger = createLogger({
    serviceName: "atlas-peering-gateway-local",
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const transport = createUndiciTransport({
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 10_000,
  });
  const dynamo = await startLocalDynamo(options.dataDir === undefined ? {} : { path: options.dataDir });
  await ensureChangeTable(dynamo.client, TABLE);
  const deps: LocalDeps = {
    logger,
    atlas: new AtlasClient({
      transport,
      defaultBaseUrl: options.atlasBaseUrl,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
      onRetry: (event) => logger.warn("retrying Atlas", event),
    }),
    credentials: new StaticCredentialSource(options.credentials),
    callers: new StaticCallerDirectory(options.callers),
    store: new DynamoDbChangeStore({ client: dynamo.doc, tableName: TABLE }),
    scheduler: new TimerRecheckScheduler({
      run: async (request) => {
        // Like a Lambda invocation: a logger of its own, so concurrent requests' keys never mix in.
        await recheckChange(request, { ...deps, logger: logger.createChild() }, Date.now() + INVOCATION_MS);
      },
      onError: (error) =>
        logger.error("local re-check failed; the sweeper will retry", { error: error as Error }),
    }),
    events: new MemoryChangePublisher(options.onEvent ? { onEvent: options.onEvent } : {}),
    callbacks: new StandardWebhooksNotifier({ transport, baseDelayMs: 200 }),
    cadence: options.cadence,
    audit: new LoggedAuditLog(new DynamoDbAuditLog({ client: dynamo.doc, tableName: TABLE }), logger),
    metrics: noMetrics,
    replay: new DynamoDbReplayGuard({ client: dynamo.doc, tableName: TABLE }),
    slackSigningSecrets: async () => [options.slackSigningSecret],
    // Locally, Slack's response_url may point at a receiver on this machine (tests, rehearsals).
    slackReplies: new SlackResponseUrlReplies({
      transport,
      allowedHosts: ["hooks.slack.com", "127.0.0.1", "localhost"],
      logger: { warn: (msg, attrs) => logger.warn(msg, { ...attrs }) },
    }),
    now: Date.now,
    newId: randomUUID,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    close: async () => {
      deps.scheduler.close();
      await transport.close();
      await dynamo.close();
    },
  };
  return deps;
}
