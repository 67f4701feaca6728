import type { Context } from "aws-lambda";
import * as z from "zod/mini";
import { handleRequestedEvent, type RequestedEventOutcome } from "../events/handleRequestedEvent.js";
import type { Logger } from "../observability/logger.js";
import type { ChangeDeps } from "../usecases/ChangeDeps.js";
import { type RecheckOutcome, recheckChange } from "../usecases/recheckChange.js";
import { type SweepOptions, sweepOverdue } from "../usecases/sweepOverdue.js";

type LambdaContext = Pick<Context, "getRemainingTimeInMillis">;

/** The Scheduler target input: exactly what `EventBridgeRecheckScheduler` puts in `Input`. */
const recheckEvent = z.object({
  changeId: z.string().check(z.minLength(1), z.maxLength(64)),
  attempt: z.int().check(z.nonnegative()),
});

/**
 * The re-check Lambda, invoked asynchronously by a one-time EventBridge Scheduler schedule with
 * `{changeId, attempt}`. A malformed event is logged and dropped (retrying it cannot help); any other failure
 * is thrown. Lambda accepted the invocation, so Lambda (not Scheduler) retries it (`maximumRetryAttempts` in
 * serverless.yml) and then sends it to the function's on-failure destination, the recheck DLQ. Scheduler's own
 * DLQ only gets invocations Scheduler could not hand to Lambda at all. Either way the sweeper re-checks the
 * change later. The change id is the correlation id.
 */
export function makeRecheckHandler(deps: ChangeDeps & { deadlineMarginMs?: number }) {
  return async (event: unknown, context: LambdaContext): Promise<RecheckOutcome | { kind: "invalid" }> => {
    addLambdaContext(deps.logger, context);
    const parsed = recheckEvent.safeParse(event);
    if (!parsed.success) {
      deps.logger.error("ignoring a malformed re-check event", {
        issues: parsed.error.issues.map((i) => i.message),
      });
      return { kind: "invalid" };
    }
    return withCorrelation(deps.logger, parsed.data.changeId, () =>
      recheckChange(parsed.data, deps, deadlineOf(deps, context)),
    );
  };
}

/**
 * The events Lambda: consumes `Peering Change Requested` events from the gateway's bus. Invalid or refused
 * events are answered with `Peering Change Rejected` and return normally; other failures throw (retried by
 * Lambda, then its on-failure destination, the events DLQ). The event id is the correlation id.
 */
export function makeEventsHandler(deps: ChangeDeps & { deadlineMarginMs?: number }) {
  return async (event: unknown, context: LambdaContext): Promise<RequestedEventOutcome> => {
    addLambdaContext(deps.logger, context);
    const id =
      typeof event === "object" && event && "id" in event ? String((event as { id: unknown }).id) : "unknown";
    return withCorrelation(deps.logger, id, () =>
      handleRequestedEvent(event, deps, deadlineOf(deps, context)),
    );
  };
}

/** The sweeper Lambda, run every few minutes by an EventBridge rule: re-checks overdue changes. */
export function makeSweeperHandler(deps: ChangeDeps & { deadlineMarginMs?: number }, options: SweepOptions) {
  return async (_event: unknown, context: LambdaContext) => {
    addLambdaContext(deps.logger, context);
    return sweepOverdue(deps, options, deadlineOf(deps, context));
  };
}

/**
 * Puts the invocation's Lambda context (`function_name`, `function_request_id`, `cold_start`…) on every log
 * line. These handlers log through the container's own logger, which Powertools tracks the cold start on: its
 * first `addContext` says `cold_start: true`, every later one false. (Tests and the local stack pass a context
 * without `functionName`: nothing to add.)
 */
function addLambdaContext(logger: Logger, context: LambdaContext): void {
  if ("functionName" in context) logger.addContext(context as Context);
}

function deadlineOf(deps: ChangeDeps & { deadlineMarginMs?: number }, context: LambdaContext): number {
  return deps.now() + context.getRemainingTimeInMillis() - (deps.deadlineMarginMs ?? 1_500);
}

async function withCorrelation<T>(logger: Logger, id: string, work: () => Promise<T>): Promise<T> {
  logger.setCorrelationId(id);
  logger.appendKeys({ correlationId: id });
  try {
    return await work();
  } finally {
    logger.resetKeys();
  }
}
