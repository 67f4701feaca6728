import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDbAuditLog } from "../adapters/dynamodb/DynamoDbAuditLog.js";
import { DynamoDbChangeStore } from "../adapters/dynamodb/DynamoDbChangeStore.js";
import { DynamoDbReplayGuard } from "../adapters/dynamodb/DynamoDbReplayGuard.js";
import { createDocumentClient } from "../adapters/dynamodb/table.js";
import { EventBridgeChangePublisher } from "../adapters/EventBridgeChangePublisher.js";
import { EventBridgeRecheckScheduler } from "../adapters/EventBridgeRecheckScheduler.js";
import { PowertoolsChangeMetrics } from "../adapters/PowertoolsChangeMetrics.js";
import { SecretsManagerCallerDirectory } from "../adapters/SecretsManagerCallerDirectory.js";
import { SecretsManagerCredentialSource } from "../adapters/SecretsManagerCredentialSource.js";
import { SecretsManagerSecrets } from "../adapters/SecretsManagerSecrets.js";
import { slackSigningSecretsFrom } from "../adapters/SecretsManagerSlackSecrets.js";
import { StandardWebhooksNotifier } from "../adapters/StandardWebhooksNotifier.js";
import { AtlasClient } from "../atlas/AtlasClient.js";
import { createUndiciTransport } from "../atlas/transport.js";
import { type Config, loadConfig } from "../config.js";
import type { HttpApiDeps } from "../http/HttpApi.js";
import { LoggedAuditLog } from "../observability/auditLines.js";
import { createLogger } from "../observability/logger.js";
import { SlackResponseUrlReplies } from "../slack/SlackResponseUrlReplies.js";

/** Shared by every entry point: built once per container (cold start) and reused while warm. */
export interface AwsDeps extends HttpApiDeps {
  config: Config;
}

/**
 * The production wiring: configuration from the environment, Atlas keys and callers from Secrets Manager,
 * changes in DynamoDB, re-checks through EventBridge Scheduler, events on EventBridge, one keep-alive undici
 * Agent for Atlas and callbacks. Called once at module load by each handler.
 */
export function awsDeps(env: Record<string, string | undefined> = process.env): AwsDeps {
  const config = loadConfig(env);
  const logger = createLogger();
  const secrets = new SecretsManagerSecrets({
    client: new SecretsManagerClient({}),
    maxAgeSeconds: config.secretsMaxAgeSeconds,
  });
  const transport = createUndiciTransport(config.atlasTimeouts);
  const doc = createDocumentClient(new DynamoDBClient({}));
  return {
    config,
    logger,
    atlas: new AtlasClient({
      transport,
      defaultBaseUrl: config.atlasBaseUrl,
      retry: config.retry,
      onRetry: (event) => logger.warn("retrying Atlas", event),
    }),
    credentials: new SecretsManagerCredentialSource(secrets, {
      defaultSecretId: config.atlasSecretId,
      perProject: config.atlasSecretIdsByProject,
    }),
    callers: new SecretsManagerCallerDirectory(secrets, config.callersSecretId),
    store: new DynamoDbChangeStore({ client: doc, tableName: config.changesTable }),
    audit: new LoggedAuditLog(
      new DynamoDbAuditLog({
        client: doc,
        tableName: config.changesTable,
        retentionDays: config.auditRetentionDays,
      }),
      logger,
    ),
    metrics: new PowertoolsChangeMetrics({ serviceName: "atlas-peering-gateway" }),
    replay: new DynamoDbReplayGuard({ client: doc, tableName: config.changesTable }),
    slackSigningSecrets: slackSigningSecretsFrom(secrets, config.slackSigningSecretId),
    slackReplies: new SlackResponseUrlReplies({
      transport,
      logger: { warn: (msg, attrs) => logger.warn(msg, { ...attrs }) },
    }),
    scheduler: new EventBridgeRecheckScheduler({ client: new SchedulerClient({}), ...config.scheduler }),
    events: new EventBridgeChangePublisher({
      client: new EventBridgeClient({}),
      eventBusName: config.eventBusName,
    }),
    callbacks: new StandardWebhooksNotifier({ transport }),
    cadence: config.cadence,
    now: Date.now,
    newId: randomUUID,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      signatureToleranceSeconds: config.signatureToleranceSeconds,
    },
  };
}
