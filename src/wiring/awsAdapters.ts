import type { Config } from "../config.js";
import type { Logger } from "../observability/logger.js";
import type { AuditLog } from "../ports/AuditLog.js";
import type { ChangeEventPublisher } from "../ports/ChangeNotifications.js";
import type { ChangeStore } from "../ports/ChangeStore.js";
import type { RecheckScheduler } from "../ports/RecheckScheduler.js";
import type { ReplayGuard } from "../ports/ReplayGuard.js";
import { lazyPort } from "./lazy.js";

/**
 * The AWS adapters beyond Secrets Manager, each loaded (module and SDK client) on first use. One DynamoDB
 * document client is shared by the store, the audit log and the replay guard.
 */
export function lazyAwsAdapters(config: Config, logger: Logger) {
  let doc: Promise<import("@aws-sdk/lib-dynamodb").DynamoDBDocumentClient> | undefined;
  const documentClient = () => {
    doc ??= Promise.all([import("@aws-sdk/client-dynamodb"), import("../adapters/dynamodb/table.js")]).then(
      ([{ DynamoDBClient }, { createDocumentClient }]) => createDocumentClient(new DynamoDBClient({})),
    );
    return doc;
  };
  const tableName = config.changesTable;
  return {
    store: lazyPort<ChangeStore>(async () => {
      const { DynamoDbChangeStore } = await import("../adapters/dynamodb/DynamoDbChangeStore.js");
      return new DynamoDbChangeStore({ client: await documentClient(), tableName });
    }),
    audit: lazyPort<AuditLog>(async () => {
      const [{ DynamoDbAuditLog }, { LoggedAuditLog }] = await Promise.all([
        import("../adapters/dynamodb/DynamoDbAuditLog.js"),
        import("../observability/auditLines.js"),
      ]);
      const inner = new DynamoDbAuditLog({
        client: await documentClient(),
        tableName,
        retentionDays: config.auditRetentionDays,
      });
      return new LoggedAuditLog(inner, logger);
    }),
    replay: lazyPort<ReplayGuard>(async () => {
      const { DynamoDbReplayGuard } = await import("../adapters/dynamodb/DynamoDbReplayGuard.js");
      return new DynamoDbReplayGuard({ client: await documentClient(), tableName });
    }),
    scheduler: lazyPort<RecheckScheduler>(async () => {
      const [{ SchedulerClient }, { EventBridgeRecheckScheduler }] = await Promise.all([
        import("@aws-sdk/client-scheduler"),
        import("../adapters/EventBridgeRecheckScheduler.js"),
      ]);
      return new EventBridgeRecheckScheduler({ client: new SchedulerClient({}), ...config.scheduler });
    }),
    events: lazyPort<ChangeEventPublisher>(async () => {
      const [{ EventBridgeClient }, { EventBridgeChangePublisher }] = await Promise.all([
        import("@aws-sdk/client-eventbridge"),
        import("../adapters/EventBridgeChangePublisher.js"),
      ]);
      return new EventBridgeChangePublisher({
        client: new EventBridgeClient({}),
        eventBusName: config.eventBusName,
      });
    }),
  };
}
