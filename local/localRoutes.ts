import { randomUUID } from "node:crypto";
import type { HttpResult } from "../src/channels/common/response.js";
import { type ChangeRejection, REJECTED_DETAIL_TYPE } from "../src/ports/ChangeNotifications.js";
import type { LocalRoutes } from "./apiGatewayServer.js";
import type { TargetEvent } from "./aws/eventBridge.js";
import { type EventPattern, matchesPattern } from "./aws/eventPattern.js";
import type { PublishedChangeEvent } from "./publishedEvents.js";
import type { CapturedSlackReply } from "./slackReplies.js";

/** A rule on the gateway's bus whose target is one of the functions (serverless.yml's `eventBridge` events). */
export interface FunctionRule {
  name: string;
  pattern: EventPattern;
  /** Invokes the target function with the event and resolves with what it returned. */
  invoke(event: TargetEvent): Promise<unknown>;
}

/** What the local routes need from the local stack. */
export interface LocalRoutesContext {
  /** The gateway's bus, its account and region (a bare detail is wrapped as if put there). */
  bus: { name: string; account: string; region: string; source: string };
  /** The function rules of the gateway's bus. */
  rules: readonly FunctionRule[];
  /** What the gateway published, oldest first. */
  published(): PublishedChangeEvent[];
  /** What the gateway posted to slash commands' `response_url`s (hooks.slack.com's stand-in), oldest first. */
  slackReplies(): readonly CapturedSlackReply[];
  /** Told about a target function that failed (Lambda would retry it, then dead-letter it). */
  onError(rule: string, error: unknown): void;
}

/**
 * The local stack's own endpoints, beside the gateway's API:
 * - `POST /__local/events`: delivers a `Peering Change Requested` event (the whole EventBridge event, or just
 *   its `detail`) to the functions whose rules on the gateway's bus match it, as the bus would, and answers
 *   with what the events function made of it (`202`, or a `422` problem naming every bad field when it
 *   rejected the event). A whole CloudTrail-shaped event (`AWS API Call via CloudTrail` from `aws.ec2`, an
 *   Accept, Reject or Delete VpcPeeringConnection call) reaches the events function as AWS delivers it, and
 *   is answered `202` with what it did (the change re-checked, or why nothing was);
 * - `GET /__local/events`: every event the gateway published on its bus (state changes and rejections);
 * - `GET /__local/slack`: every reply the gateway posted to a slash command's `response_url`.
 * Loopback only, like the rest of the local stack; never part of the deployed API.
 */
export function localRoutes(context: LocalRoutesContext): LocalRoutes {
  return async (method, path, body) => {
    if (path === "/__local/slack") {
      return method === "GET" ? json(200, context.slackReplies()) : json(405, { message: "GET" });
    }
    if (path !== "/__local/events") return undefined;
    if (method === "GET") return json(200, context.published());
    if (method !== "POST") return json(405, { message: "GET or POST" });
    return deliver(context, body);
  };
}

/** `POST /__local/events`: the event to every rule that matches it; the events function's outcome answers. */
async function deliver(context: LocalRoutesContext, body: Buffer): Promise<HttpResult> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return json(400, { message: "the body must be JSON" });
  }
  const event = asEvent(value, context.bus);
  const matching = context.rules.filter((rule) => matchesPattern(rule.pattern, event));
  if (matching.length === 0) {
    const message = `no rule of bus ${context.bus.name} matches this event (detail-type ${JSON.stringify(event["detail-type"])})`;
    return json(400, { message });
  }
  const publishedBefore = context.published().length;
  // Every matching target gets the event; the answer is the first one's (the events function's) outcome.
  const outcomes = await Promise.allSettled(matching.map((rule) => rule.invoke(event)));
  const [first] = outcomes;
  outcomes.forEach((outcome, i) => {
    if (outcome.status === "rejected") context.onError(matching[i]?.name ?? "", outcome.reason);
  });
  if (first?.status !== "fulfilled") {
    const error = first?.reason;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return json(500, { message: `the target of rule ${matching[0]?.name} failed: ${reason}` });
  }
  const outcome = first.value as { kind?: unknown; reason?: unknown };
  if (outcome.kind !== "rejected") return json(202, outcome);
  const rejection = rejectionOf(context.published().slice(publishedBefore), event.id);
  return rejectedProblem(String(outcome.reason ?? rejection?.reason ?? "the event was rejected"), rejection);
}

/**
 * The `Peering Change Rejected` detail the events function published about this event (it publishes before
 * it answers): the one naming its id, or, for an event without one, the first published since it arrived.
 */
function rejectionOf(since: readonly PublishedChangeEvent[], eventId: unknown): ChangeRejection | undefined {
  const rejections = since.flatMap((e) => (e.detailType === REJECTED_DETAIL_TYPE ? [e.detail] : []));
  if (typeof eventId !== "string") return rejections[0];
  return rejections.find((r) => r.event.id === eventId);
}

/**
 * A rejected event as a problem, with the field errors of its Rejected event (`errors: [{path, message}]`,
 * paths as in the event), so the sender sees what to fix without reading the log. `kind` and `reason` stay,
 * as before, for scripts that read them.
 */
function rejectedProblem(reason: string, rejection: ChangeRejection | undefined): HttpResult {
  const body = {
    type: "https://atlas-peering-gateway.dev/problems/event-rejected",
    title: "The event was rejected",
    status: 422,
    detail: reason,
    kind: "rejected",
    reason,
    errors: (rejection?.errors ?? []).map(({ path, message }) => ({ path, message })),
  };
  return {
    statusCode: 422,
    headers: { "content-type": "application/problem+json" },
    body: JSON.stringify(body),
  };
}

/** The event as the bus delivers it: a whole event is taken as is, a bare detail is wrapped in an envelope. */
function asEvent(value: unknown, bus: LocalRoutesContext["bus"]): TargetEvent {
  if (value && typeof value === "object" && "detail-type" in value) return value as TargetEvent;
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Peering Change Requested",
    source: bus.source,
    account: bus.account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: bus.region,
    resources: [],
    detail: value,
  };
}

function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
