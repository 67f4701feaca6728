import type { AuditLog, AuditPage, AuditRecord } from "../ports/AuditLog.js";
import type { Logger } from "./logger.js";

/** The part of the logger this decorator uses (a test can pass a plain recording object). */
export type AuditLineLogger = Pick<Logger, "info" | "error">;

/**
 * An {@link AuditLog} that also writes every record as one structured log line (`"audit"`, `{ audit: entry }`),
 * so the trail reaches the log pipeline (CloudWatch, a SIEM) even where the table cannot be read.
 */
export class LoggedAuditLog implements AuditLog {
  constructor(
    private readonly inner: AuditLog,
    private readonly logger: AuditLineLogger,
  ) {}

  /**
   * Logs the record, then stores it. A failed store is logged and swallowed, not thrown: the audit is written
   * after the fact (a change that Atlas already accepted, a refusal already decided), so failing the request
   * would misreport what happened and invite a retry of a change that already happened. The log line written
   * first keeps the record anyway.
   */
  async record(entry: AuditRecord): Promise<void> {
    this.logger.info("audit", { audit: entry });
    try {
      await this.inner.record(entry);
    } catch (error) {
      const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
      this.logger.error("audit record not stored", {
        auditId: entry.id,
        requestId: entry.requestId,
        ...summary,
      });
    }
  }

  /** Reads come from the inner log only (log lines are not queryable here). */
  list(query: { groupId: string; since: number; limit: number; cursor?: string }): Promise<AuditPage> {
    return this.inner.list(query);
  }
}
