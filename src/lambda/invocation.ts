import type { Context } from "aws-lambda";
import type { Logger as PowertoolsLogger } from "../observability/logger.js";

/** A Lambda invocation's context, as far as the entry factories use it (tests pass only the clock). */
export type LambdaContext = Pick<Context, "getRemainingTimeInMillis">;

/**
 * The dependencies of a Lambda entry: the channel's own, with the container's Powertools logger (the entry adds
 * the Lambda context to it) and how much of the Lambda's time to keep in reserve.
 */
export type InLambda<Deps> = Deps & { logger: PowertoolsLogger; deadlineMarginMs?: number };

/** Epoch ms by which the work must be done: the Lambda's remaining time, less the margin. */
export function deadlineOf(
  deps: { now(): number; deadlineMarginMs?: number },
  context: LambdaContext,
): number {
  return deps.now() + context.getRemainingTimeInMillis() - (deps.deadlineMarginMs ?? 1_500);
}

/**
 * Puts the invocation's Lambda context (`function_name`, `function_request_id`, `cold_start`…) on every log
 * line of this logger. Powertools tracks the cold start per logger instance: its first `addContext` says
 * `cold_start: true`, every later one false. (Tests and the local stack pass a context without `functionName`:
 * nothing to add.)
 */
export function addLambdaContext(logger: PowertoolsLogger, context: LambdaContext): void {
  if ("functionName" in context) logger.addContext(context as Context);
}

/** Runs `work` with `id` as the correlation id of every log line, then drops the invocation's keys. */
export async function withCorrelation<T>(logger: PowertoolsLogger, id: string, work: () => Promise<T>) {
  logger.setCorrelationId(id);
  logger.appendKeys({ correlationId: id });
  try {
    return await work();
  } finally {
    logger.resetKeys();
  }
}
