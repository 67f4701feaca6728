import { recheckCallback } from "../domain/change/callbackPolicy.js";
import { leaseUntil } from "../domain/change/lifecycle.js";
import {
  afterAttempt,
  claimDelivery,
  type Notification,
  type NotificationTarget,
  type TargetResult,
} from "../domain/change/notification.js";
import type { NotificationRef } from "../ports/ChangeNotifications.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/** What set a delivery off: the state event itself reaching the notify function, or a re-drive. */
export type DeliveryTrigger = "event" | "redrive";

/** What one notify invocation did with a notification. */
export type DeliveryOutcome =
  | { kind: "attempted"; results: Partial<Record<NotificationTarget, TargetResult>>; done: boolean }
  | { kind: "skipped"; reason: "nothing pending" | "being delivered" | "not due" | "moved on concurrently" };

/** The callback's event type, as receivers see it in the payload. */
const CALLBACK_TYPE = "peering.change.state_changed";
/** The callback type of an expiry warning (the payload's `data` is the view, with `warning`). */
const EXPIRING_CALLBACK_TYPE = "peering.change.expiring";
/** The callback type of a drift announcement (the payload's `data` is the settled change's view, with `drift`). */
const DRIFTED_CALLBACK_TYPE = "peering.drifted";

/**
 * One delivery attempt of an outbox notification: claims it (a lease, conditional on its revision, so two
 * invocations never both deliver one attempt), tries every pending target once in parallel, each bounded in
 * time and response size by its adapter, then records what is left with its backoff, or removes it. The event
 * arriving here proves it was published. A callback is re-checked against the caller's registry entry as it
 * is now (host allowlist, secret). Failures of targets are outcomes, never thrown: only the store can throw.
 */
export async function deliverNotification(
  ref: NotificationRef,
  trigger: DeliveryTrigger,
  deps: ChangeDeps,
  deadline: number,
): Promise<DeliveryOutcome> {
  const found = await deps.outbox.get(ref.changeId, ref.version);
  const now = deps.now();
  if (!found) return { kind: "skipped", reason: "nothing pending" };
  const proven: Partial<Record<NotificationTarget, TargetResult>> =
    trigger === "event" && found.pending.includes("event")
      ? { event: { delivered: true, retryable: false, outcome: "published" } }
      : {};
  if (found.leaseUntil !== undefined && found.leaseUntil > now)
    return { kind: "skipped", reason: "being delivered" };
  const firstTime = found.attempts === 0 && trigger === "event";
  if (!firstTime && found.dueAt > now && proven.event === undefined)
    return { kind: "skipped", reason: "not due" };
  const claimed = claimDelivery(found, now, leaseUntil(now, deadline));
  if (!(await deps.outbox.replace(found, claimed)))
    return { kind: "skipped", reason: "moved on concurrently" };
  const due = firstTime || found.dueAt <= now;
  const targets = due ? claimed.pending.filter((target) => proven[target] === undefined) : [];
  const results = { ...proven, ...(await deliverAll(claimed, targets, deps)) };
  const next = afterAttempt(claimed, results, deps.now(), deps.random);
  if (!(await deps.outbox.replace(claimed, next)))
    return { kind: "skipped", reason: "moved on concurrently" };
  logAttempt(claimed, results, next, deps);
  return { kind: "attempted", results, done: next === undefined };
}

async function deliverAll(
  notification: Notification,
  targets: NotificationTarget[],
  deps: ChangeDeps,
): Promise<Partial<Record<NotificationTarget, TargetResult>>> {
  const settled = await Promise.all(
    targets.map(async (target) => [target, await deliverTo(target, notification, deps)] as const),
  );
  return Object.fromEntries(settled);
}

/** One bounded attempt to one target. */
async function deliverTo(
  target: NotificationTarget,
  n: Notification,
  deps: ChangeDeps,
): Promise<TargetResult> {
  if (target === "event") {
    const { changeId, version, id, warning, drift } = n;
    const which = { changeId, version, id, ...(warning ? { warning } : {}), ...(drift ? { drift } : {}) };
    return deps.events.publish(n.view, which).then(
      () => ({ delivered: true, retryable: false, outcome: "published" }),
      (error: unknown) => ({ delivered: false, retryable: true, outcome: (error as Error).name }),
    );
  }
  if (target === "callback") return deliverCallback(n, deps);
  return deliverReply(n, deps);
}

async function deliverCallback(n: Notification, deps: ChangeDeps): Promise<TargetResult> {
  // Notifications written before they kept the URL have it, whole, in their view.
  const url = n.callbackUrl ?? n.view.callbackUrl;
  if (url === undefined) return { delivered: false, retryable: false, outcome: "no callback URL" };
  const caller = (await deps.callers.registry()).callers.find((c) => c.id === n.view.callerId);
  const verdict = recheckCallback(caller, url);
  if (!verdict.allowed || !caller?.callbackSecret)
    return { delivered: false, retryable: false, outcome: verdict.allowed ? "no secret" : verdict.reason };
  const timestamp = new Date(n.createdAt).toISOString();
  const payload = callbackPayload(n, timestamp);
  const result = await deps.callbacks.deliver({
    url,
    secret: caller.callbackSecret,
    messageId: n.id,
    payload,
  });
  return targetResult(result);
}

async function deliverReply(n: Notification, deps: ChangeDeps): Promise<TargetResult> {
  // Notifications written before they kept the address read it from the change.
  const address = n.replyTo ?? (await deps.store.get(n.changeId))?.replyTo;
  if (!address) return { delivered: false, retryable: false, outcome: "no reply address" };
  const replier = deps.repliers.find((candidate) => candidate.channel === address.channel);
  if (!replier) return { delivered: false, retryable: false, outcome: `no replier for ${address.channel}` };
  return targetResult(await replier.reply(address.url, n.view, n.warning));
}

/** The callback's body: the state, an expiry warning, or a drift of the settled change. */
function callbackPayload(n: Notification, timestamp: string) {
  if (n.drift) return { type: DRIFTED_CALLBACK_TYPE, timestamp, data: { ...n.view, drift: n.drift } };
  if (n.warning) return { type: EXPIRING_CALLBACK_TYPE, timestamp, data: { ...n.view, warning: n.warning } };
  return { type: CALLBACK_TYPE, timestamp, data: n.view };
}

/** An adapter's delivery result as the outbox records it. */
function targetResult(result: {
  delivered: boolean;
  retryable: boolean;
  lastOutcome: string;
  retryAfterMs?: number;
}): TargetResult {
  return {
    delivered: result.delivered,
    retryable: result.retryable,
    outcome: result.lastOutcome,
    ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
  };
}

function logAttempt(
  n: Notification,
  results: Partial<Record<NotificationTarget, TargetResult>>,
  next: Notification | undefined,
  deps: ChangeDeps,
): void {
  const outcomes = Object.fromEntries(Object.entries(results).map(([t, r]) => [t, r?.outcome]));
  const fields = { changeId: n.changeId, notificationId: n.id, attempt: n.attempts + 1, outcomes };
  const undelivered = Object.entries(results)
    .filter(([, r]) => r && !r.delivered)
    .map(([t]) => t);
  if (next)
    deps.logger.warn("notification not fully delivered; will retry", { ...fields, pending: next.pending });
  else if (undelivered.length > 0)
    deps.logger.error("notification given up for some targets", { ...fields, undelivered });
  else deps.logger.info("notification delivered", fields);
}
