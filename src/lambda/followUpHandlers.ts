import * as z from "zod/mini";
import { CLOUDTRAIL_DETAIL_TYPE } from "../channels/eventbridge/cloudTrailEvent.js";
import {
  handlePeeringCallEvent,
  type PeeringCallOutcome,
} from "../channels/eventbridge/handlePeeringCallEvent.js";
import {
  handleRequestedEvent,
  type RequestedEventOutcome,
} from "../channels/eventbridge/handleRequestedEvent.js";
import { CHANGE_EVENT_DETAIL_TYPE, EXPIRING_DETAIL_TYPE } from "../ports/ChangeNotifications.js";
import type { ChangeDeps } from "../usecases/ChangeDeps.js";
import { type DeliveryOutcome, deliverNotification } from "../usecases/deliverNotification.js";
import { type RecheckOutcome, recheckChange } from "../usecases/recheckChange.js";
import { type SweepOptions, sweepOverdue } from "../usecases/sweepOverdue.js";
import {
  addLambdaContext,
  deadlineOf,
  type InLambda,
  type LambdaContext,
  withCorrelation,
} from "./invocation.js";

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
export function makeRecheckHandler(deps: InLambda<ChangeDeps>) {
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
 * The events Lambda: consumes `Peering Change Requested` events from the gateway's bus, and the CloudTrail
 * records of EC2 peering calls (this account's, from the default bus; peer accounts', forwarded to the
 * gateway's bus), routed by `detail-type`. One function rather than a new one: both are EventBridge
 * deliveries that end in a change's re-check or creation, with the same role, retries and DLQ, and a
 * CloudTrail `detail-type` can never be taken for a request (only AWS can put `aws.ec2` events).
 * Invalid or refused requests are answered with `Peering Change Rejected` and return normally; unreadable
 * CloudTrail events are dropped; other failures throw (retried by Lambda, then its on-failure destination,
 * the events DLQ). The event id is the correlation id.
 */
export function makeEventsHandler(deps: InLambda<ChangeDeps>) {
  return async (
    event: unknown,
    context: LambdaContext,
  ): Promise<RequestedEventOutcome | PeeringCallOutcome> => {
    addLambdaContext(deps.logger, context);
    const id =
      typeof event === "object" && event && "id" in event ? String((event as { id: unknown }).id) : "unknown";
    const deadline = deadlineOf(deps, context);
    return withCorrelation<RequestedEventOutcome | PeeringCallOutcome>(deps.logger, id, () =>
      detailTypeOf(event) === CLOUDTRAIL_DETAIL_TYPE
        ? handlePeeringCallEvent(event, deps, deadline)
        : handleRequestedEvent(event, deps, deadline),
    );
  };
}

function detailTypeOf(event: unknown): unknown {
  return typeof event === "object" && event !== null
    ? (event as Record<string, unknown>)["detail-type"]
    : undefined;
}

/**
 * What the notify function receives from its rule on the gateway's bus: the gateway's own state events (the
 * view, with `notificationId` and `version`) and its re-drive requests (`{changeId, version}`).
 */
const notifyEvent = z.object({
  "detail-type": z.string(),
  detail: z.object({
    changeId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    id: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    version: z.int().check(z.positive()),
  }),
});

/**
 * The notify Lambda: delivers an outbox notification (callback, channel reply, and the event when it is
 * re-driven), outside every other path. A malformed event is logged and dropped. A store failure throws:
 * Lambda retries the invocation, then its on-failure destination gets it, and the sweeper re-drives the
 * notification anyway once it is due.
 */
export function makeNotifyHandler(deps: InLambda<ChangeDeps>) {
  return async (event: unknown, context: LambdaContext): Promise<DeliveryOutcome | { kind: "invalid" }> => {
    addLambdaContext(deps.logger, context);
    const parsed = notifyEvent.safeParse(event);
    const changeId = parsed.success ? (parsed.data.detail.changeId ?? parsed.data.detail.id) : undefined;
    if (!parsed.success || changeId === undefined) {
      deps.logger.error("ignoring a malformed notify event", {
        issues: parsed.success ? ["no change id"] : parsed.error.issues.map((i) => i.message),
      });
      return { kind: "invalid" };
    }
    const own = [CHANGE_EVENT_DETAIL_TYPE, EXPIRING_DETAIL_TYPE];
    const trigger = own.includes(parsed.data["detail-type"]) ? "event" : "redrive";
    const ref = { changeId, version: parsed.data.detail.version };
    return withCorrelation(deps.logger, changeId, () =>
      deliverNotification(ref, trigger, deps, deadlineOf(deps, context)),
    );
  };
}

/** The sweeper Lambda, run every few minutes by an EventBridge rule: re-checks overdue changes. */
export function makeSweeperHandler(deps: InLambda<ChangeDeps>, options: SweepOptions) {
  return async (_event: unknown, context: LambdaContext) => {
    addLambdaContext(deps.logger, context);
    return sweepOverdue(deps, options, deadlineOf(deps, context));
  };
}
