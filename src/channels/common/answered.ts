import type { AuditLog } from "../../ports/AuditLog.js";
import type { ChangeMetrics } from "../../ports/ChangeMetrics.js";
import type { Logger } from "../../ports/Logger.js";
import { describeProblem, toProblemResponse } from "./problem.js";
import { auditRefusal, isUnauthenticated } from "./refusalAudit.js";
import type { GatewayRequest } from "./request.js";
import type { HttpResult } from "./response.js";

/** What answering over HTTP needs, whichever channel the request belongs to. */
export interface AnsweringDeps {
  logger: Logger;
  audit: AuditLog;
  /** Counts unauthenticated refusals (they are not audited: see refusalAudit.ts). */
  metrics: Pick<ChangeMetrics, "unauthenticated">;
  newId: () => string;
  now: () => number;
}

/** Lets the work say who the caller is once it knows (the refusal audit names them). */
export type NoteCaller = (callerId: string) => void;

/**
 * Runs one channel's work for an HTTP request and answers it: every failure becomes an RFC 9457 problem (by
 * error kind), is logged and audited, and every answer carries `X-Request-Id`. The HTTP API and the Slack
 * command both arrive over HTTP; this is what they share.
 */
export async function answerWithProblems(
  request: GatewayRequest,
  deps: AnsweringDeps,
  channel: "http" | "slack",
  work: (noteCaller: NoteCaller) => Promise<HttpResult>,
): Promise<HttpResult> {
  deps.logger.setCorrelationId(request.requestId);
  deps.logger.appendKeys({ requestId: request.requestId, method: request.method, path: request.rawPath });
  let result: HttpResult;
  let callerId: string | undefined;
  try {
    result = await work((id) => {
      callerId = id;
      deps.logger.appendKeys({ caller: id });
    });
  } catch (error) {
    result = toProblemResponse(error, { requestId: request.requestId, instance: request.rawPath });
    logFailure(deps.logger, error, result.statusCode);
    if (isUnauthenticated(error)) deps.metrics.unauthenticated();
    const { slug, detail } = describeProblem(error);
    const refusal = { error, status: result.statusCode, reason: slug, detail, channel };
    await auditRefusalSafely(deps, request, callerId ? { ...refusal, callerId } : refusal);
  } finally {
    deps.logger.resetKeys();
  }
  result.headers["x-request-id"] = request.requestId;
  return result;
}

/**
 * Audits a refusal without letting the audit decide the answer: the refusal is already decided, and an audit
 * adapter that fails to load (its lazy port rejects) or to write must not turn a 401/400/403 into an error
 * thrown out of the handler. The failure is logged as a warning, by name and message only (never the body or
 * the headers).
 */
async function auditRefusalSafely(
  deps: AnsweringDeps,
  request: GatewayRequest,
  refusal: Parameters<typeof auditRefusal>[2],
): Promise<void> {
  try {
    await auditRefusal(deps.audit, request, refusal, deps);
  } catch (error) {
    const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
    deps.logger.warn("refusal not audited", { status: refusal.status, reason: refusal.reason, ...summary });
  }
}

/**
 * One line per failure, never the body or the headers (the logger's keys carry method, path and request id).
 * An unauthenticated refusal has its own message, so a flood of them can be found and filtered by it.
 */
function logFailure(logger: Logger, error: unknown, status: number): void {
  const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
  if (status >= 500) logger.error("request failed", { status, ...summary, error: error as Error });
  else if (isUnauthenticated(error)) logger.info("unauthenticated request refused", { status, ...summary });
  else logger.info("request refused", { status, ...summary });
}
