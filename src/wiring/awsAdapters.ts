import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Logger } from "../observability/logger.js";
import type { AtlasRateBudget } from "../ports/AtlasRateBudget.js";
import type { AuditLog } from "../ports/AuditLog.js";
import type { ChangeEventPublisher } from "../ports/ChangeNotifications.js";
import type { ChangeRateLimiter, ChangeStore, NotificationOutbox } from "../ports/ChangeStore.js";
import type { DriftStore } from "../ports/DriftStore.js";
import type { RecheckScheduler } from "../ports/RecheckScheduler.js";
import type { ReplayGuard } from "../ports/ReplayGuard.js";
import type { SharedTokenCache } from "../ports/SharedTokenCache.js";
import { awsClientConfig } from "./clientConfig.js";
import type { Config } from "./config.js";
import { lazyPort } from "./lazy.js";

/**
 * The AWS adapters beyond Secrets Manager, each loaded (module and SDK client) on first use. One DynamoDB
 * document client is shared by the store, the outbox, the audit log and the replay guard. Every `import()` here names a
 * module of ours that imports its SDK package statically (see loaders/dynamodb.ts for why).
 */
export function lazyAwsAdapters(config: Config, logger: Logger, env: Record<string, string | undefined>) {
  let doc: Promise<DynamoDBDocumentClient> | undefined;
  const documentClient = () => {
    doc ??= import("./loaders/dynamodb.js").then(
      ({ newDocumentClient }) => newDocumentClient(awsClientConfig(env, "DYNAMODB")),
      (error: unknown) => {
        // Forget a failed load, as lazyPort does: the next call tries again instead of failing for good.
        doc = undefined;
        throw error;
      },
    );
    return doc;
  };
  const tableName = config.changesTable;
  return {
    store: lazyPort<ChangeStore>(async () => {
      const { DynamoDbChangeStore } = await import("../adapters/aws/dynamodb/DynamoDbChangeStore.js");
      return new DynamoDbChangeStore({ client: await documentClient(), tableName });
    }),
    outbox: lazyPort<NotificationOutbox>(async () => {
      const { DynamoDbNotificationOutbox } = await import(
        "../adapters/aws/dynamodb/DynamoDbNotificationOutbox.js"
      );
      return new DynamoDbNotificationOutbox({ client: await documentClient(), tableName });
    }),
    driftStore: lazyPort<DriftStore>(async () => {
      const { DynamoDbDriftStore } = await import("../adapters/aws/dynamodb/DynamoDbDriftStore.js");
      return new DynamoDbDriftStore({ client: await documentClient(), tableName });
    }),
    audit: lazyPort<AuditLog>(async () => {
      const [{ DynamoDbAuditLog }, { LoggedAuditLog }] = await Promise.all([
        import("../adapters/aws/dynamodb/DynamoDbAuditLog.js"),
        import("../observability/auditLines.js"),
      ]);
      const inner = new DynamoDbAuditLog({
        client: await documentClient(),
        tableName,
        retentionDays: config.auditRetentionDays,
      });
      return new LoggedAuditLog(inner, logger);
    }),
    rateLimiter: lazyPort<ChangeRateLimiter>(async () => {
      const { DynamoDbRateLimiter } = await import("../adapters/aws/dynamodb/DynamoDbRateLimiter.js");
      return new DynamoDbRateLimiter({
        client: await documentClient(),
        tableName,
        defaultLimit: config.rateLimit,
      });
    }),
    atlasBudget: lazyPort<AtlasRateBudget>(async () => {
      const { DynamoDbAtlasBudget } = await import("../adapters/aws/dynamodb/DynamoDbAtlasBudget.js");
      return new DynamoDbAtlasBudget({ client: await documentClient(), tableName });
    }),
    tokenCache: lazyPort<SharedTokenCache>(async () => {
      const { DynamoDbTokenCache } = await import("../adapters/aws/dynamodb/DynamoDbTokenCache.js");
      return new DynamoDbTokenCache({ client: await documentClient(), tableName });
    }),
    replay: lazyPort<ReplayGuard>(async () => {
      const { DynamoDbReplayGuard } = await import("../adapters/aws/dynamodb/DynamoDbReplayGuard.js");
      return new DynamoDbReplayGuard({ client: await documentClient(), tableName });
    }),
    scheduler: lazyPort<RecheckScheduler>(async () => {
      const { newRecheckScheduler } = await import("./loaders/scheduler.js");
      return newRecheckScheduler(awsClientConfig(env, "SCHEDULER"), config.scheduler);
    }),
    events: lazyPort<ChangeEventPublisher>(async () => {
      const { newChangePublisher } = await import("./loaders/eventBridge.js");
      return newChangePublisher(awsClientConfig(env, "EVENTBRIDGE"), config.eventBusName);
    }),
  };
}
