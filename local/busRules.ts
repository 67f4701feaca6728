import { PEERING_CALLS_PATTERN } from "../src/channels/eventbridge/cloudTrailEvent.js";
import type { Logger } from "../src/observability/logger.js";
import {
  CHANGE_EVENT_DETAIL_TYPE,
  CHANGE_EVENT_SOURCE,
  DRIFTED_DETAIL_TYPE,
  EXPIRING_DETAIL_TYPE,
  NOTIFICATION_DUE_DETAIL_TYPE,
  REQUESTED_DETAIL_TYPE,
} from "../src/ports/ChangeNotifications.js";
import type { LocalCloud } from "./cloud.js";
import type { LocalFunction } from "./localFunction.js";
import type { FunctionRule } from "./localRoutes.js";
import { type PublishedChangeEvent, toPublishedEvent } from "./publishedEvents.js";

/** The rule serverless.yml puts on the gateway's bus for the events function. */
const REQUESTED_PATTERN = { "detail-type": [REQUESTED_DETAIL_TYPE] };
/** The rule serverless.yml puts on the gateway's bus for the notify function. */
const NOTIFY_PATTERN = {
  source: [CHANGE_EVENT_SOURCE],
  "detail-type": [CHANGE_EVENT_DETAIL_TYPE, EXPIRING_DETAIL_TYPE, NOTIFICATION_DUE_DETAIL_TYPE],
};

/** The functions the bus rules invoke. */
export interface RuleTargets {
  events: LocalFunction<unknown, unknown>;
  notify: LocalFunction<unknown, unknown>;
}

export interface BusRules {
  /** The function rules of the gateway's bus (`POST /__local/events` delivers to them). */
  rules: FunctionRule[];
  /** Logs a target that failed, as Lambda would retry it and then dead-letter the event. */
  onError: (rule: string, error: unknown) => void;
}

/**
 * The rules serverless.yml puts on the buses, on the local EventBridge: on the gateway's bus, the events
 * function for requests and CloudTrail's peering calls forwarded from peer accounts, the notify function for
 * the gateway's own events; on the default bus, the events function for this account's peering calls; and
 * `onEvent`, a subscriber to the gateway's events as a caller's rule would be. EventBridge invokes targets
 * asynchronously: a failure is logged, and nothing is delivered once `closing()`.
 */
export function addBusRules(
  cloud: LocalCloud,
  functions: RuleTargets,
  settings: { log: Logger; closing: () => boolean; onEvent?: (event: PublishedChangeEvent) => void },
): BusRules {
  const { log, closing } = settings;
  const events = cloud.functionName("events");
  const toEvents = (event: unknown) => functions.events.invoke(event);
  // Peer accounts' calls, forwarded to the gateway's bus. `POST /__local/events` takes the same events.
  const peeringCalls = { name: `${events}-peering-calls`, pattern: PEERING_CALLS_PATTERN, invoke: toEvents };
  const rules: FunctionRule[] = [
    { name: `${events}-requested`, pattern: REQUESTED_PATTERN, invoke: toEvents },
    peeringCalls,
    {
      name: `${cloud.functionName("notify")}-notifications`,
      pattern: NOTIFY_PATTERN,
      invoke: (e) => functions.notify.invoke(e),
    },
  ];
  const onError = (rule: string, error: unknown) =>
    log.error("a rule's target function failed (Lambda would retry it, then dead-letter the event)", {
      rule,
      error: error as Error,
    });
  const add = (rule: FunctionRule, eventBusName?: string) =>
    cloud.eventBridge.addRule({
      name: rule.name,
      ...(eventBusName === undefined ? {} : { eventBusName }),
      pattern: rule.pattern,
      target: async (event) => {
        if (closing()) return;
        await rule.invoke(event).catch((error: unknown) => onError(rule.name, error));
      },
    });
  for (const rule of rules) add(rule, cloud.names.eventBus);
  // CloudTrail puts this account's calls on the default bus (a PutEvents without a bus name, locally).
  add({ ...peeringCalls, name: `${events}-peering-calls-default` });
  const { onEvent } = settings;
  if (onEvent) {
    cloud.eventBridge.addRule({
      name: "local-on-event",
      eventBusName: cloud.names.eventBus,
      pattern: {
        source: [CHANGE_EVENT_SOURCE],
        "detail-type": [CHANGE_EVENT_DETAIL_TYPE, DRIFTED_DETAIL_TYPE],
      },
      target: async (event) => {
        const published = toPublishedEvent(event);
        if (published) onEvent(published);
      },
    });
  }
  return { rules, onError };
}
