import type { ReplyAddress } from "../channels.js";
import { isTerminal } from "../peering/status.js";
import type { ChangeRecord } from "./ChangeRecord.js";
import type { DriftReport } from "./driftReport.js";
import { announcedWarning, type ExpiryWarning } from "./expiry.js";
import { peerSideStoppedAnew } from "./peerSide.js";
import { type ChangeView, toView } from "./view.js";

/** Where a notification goes: the gateway's event bus, the caller's signed callback, the channel's reply. */
export type NotificationTarget = "event" | "callback" | "reply";

/**
 * One announcement of a change's state (it entered WAITING_FOR_USER or ended, or, while it waits, the
 * gateway's run in the peer's AWS account stopped for an operator: the view then carries the remediation and
 * a next action that says so; it goes out as any state announcement), kept in the store's outbox from
 * the moment the state is written (in the same write) until every target has it or the gateway gives up.
 * Delivery happens in the notify function, never in the request, re-check or sweeper paths.
 */
export interface Notification {
  /** `msg_<changeId>_<version>`: the `webhook-id` of every attempt, so receivers can de-duplicate. */
  id: string;
  changeId: string;
  /** The change version whose state is announced. */
  version: number;
  /** The change as it was when it entered the announced state. */
  view: ChangeView;
  /**
   * Present on the other kind of notification: a warning that the AWS peering request the change waits on
   * expires soon (expiry.ts), announced as `Peering Change Expiring`, callback type `peering.change.expiring`.
   */
  warning?: ExpiryWarning;
  /**
   * Present on a drift announcement (drift.ts): the peering no longer holds what its last change settled,
   * announced as `Peering Drifted`, callback type `peering.drifted`.
   */
  drift?: DriftReport;
  /**
   * The callback URL as the caller gave it (the view shows it without query string or fragment, which may
   * hold a token), and where the channel replies: the change drops its reply address once it ends, so the
   * notification keeps what delivery needs. Never put in a view, an event or a log line.
   */
  callbackUrl?: string;
  replyTo?: ReplyAddress;
  /** Targets that have not had it yet. */
  pending: NotificationTarget[];
  /** Goes up by one on every write: each write is conditional on the revision its writer read. */
  revision: number;
  /** Delivery attempts made so far (an attempt tries every pending target once). */
  attempts: number;
  /** Epoch ms the next attempt is due; the sweeper re-drives notifications past it. */
  dueAt: number;
  /** Epoch ms until which a notify invocation is delivering it; others keep off. */
  leaseUntil?: number;
  /** Per target, the last outcome (`200`, `UND_ERR_HEADERS_TIMEOUT`, `not allowed: …`), for the logs. */
  outcomes: Partial<Record<NotificationTarget, string>>;
  createdAt: number;
}

/** What one delivery attempt to one target did. */
export interface TargetResult {
  delivered: boolean;
  /** Whether a later attempt may succeed (a timeout, 429, 5xx); false drops the target. */
  retryable: boolean;
  outcome: string;
  retryAfterMs?: number;
}

/** A notification's first attempt is re-driven this long after it was written if nobody delivered it. */
export const FIRST_REDRIVE_MS = 60_000;
/** Retries back off from this, doubling, up to {@link MAX_RETRY_DELAY_MS}. */
const BASE_RETRY_DELAY_MS = 60_000;
const MAX_RETRY_DELAY_MS = 2 * 3_600_000;
/** After this, an undelivered target is given up (a Slack response_url is dead after 30 minutes anyway). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** The stable id of the announcement of `change` at its current version. */
export function notificationId(change: Pick<ChangeRecord, "id" | "version">): string {
  return `msg_${change.id}_${change.version}`;
}

/**
 * The notification `next` calls for after `previous`, or undefined: a person must act, the change ended, or
 * (without a change of state) the request it waits on expires in 24 h or 1 h, or the gateway's run on the
 * peer's side stopped for the first time for its inputs (peerSide.ts). One write announces at most one of
 * these, so its id, which names the version, is unique per notification.
 * The event always; the callback when the request carried a URL; the reply when its channel can answer later.
 */
export function notificationFor(
  next: ChangeRecord,
  previous: ChangeRecord,
  now: number,
): Notification | undefined {
  const warning = announcedWarning(next, previous);
  if (warning) return { ...announcement(next, now), warning };
  if (next.state === previous.state)
    return peerSideStoppedAnew(previous, next) ? announcement(next, now) : undefined;
  if (next.state !== "WAITING_FOR_USER" && !isTerminal(next.state)) return undefined;
  return announcement(next, now);
}

function announcement(next: ChangeRecord, now: number): Notification {
  const pending: NotificationTarget[] = ["event"];
  if (next.callbackUrl !== undefined) pending.push("callback");
  if (next.replyTo !== undefined) pending.push("reply");
  return {
    id: notificationId(next),
    changeId: next.id,
    version: next.version,
    view: toView(next),
    ...(next.callbackUrl === undefined ? {} : { callbackUrl: next.callbackUrl }),
    ...(next.replyTo === undefined ? {} : { replyTo: next.replyTo }),
    pending,
    revision: 1,
    attempts: 0,
    dueAt: now + FIRST_REDRIVE_MS,
    outcomes: {},
    createdAt: now,
  };
}

/**
 * The notification after an attempt: delivered targets and targets that cannot succeed leave `pending`; the
 * rest are due again after a doubling, jittered delay (never before a receiver's Retry-After). Undefined when
 * nothing is left to do, including when the gateway gives up after {@link GIVE_UP_AFTER_MS}.
 */
export function afterAttempt(
  notification: Notification,
  results: Partial<Record<NotificationTarget, TargetResult>>,
  now: number,
  random: () => number,
): Notification | undefined {
  const outcomes = { ...notification.outcomes };
  for (const [target, result] of Object.entries(results))
    outcomes[target as NotificationTarget] = result.outcome;
  const pending = notification.pending.filter((target) => {
    const result = results[target];
    return result === undefined || (!result.delivered && result.retryable);
  });
  if (pending.length === 0 || now - notification.createdAt >= GIVE_UP_AFTER_MS) return undefined;
  const attempts = notification.attempts + 1;
  const cap = Math.min(MAX_RETRY_DELAY_MS, BASE_RETRY_DELAY_MS * 2 ** (attempts - 1));
  const asked = Math.max(0, ...Object.values(results).map((r) => r?.retryAfterMs ?? 0));
  const delay = Math.max(asked, cap / 2 + Math.floor((random() * cap) / 2));
  const { leaseUntil: _done, ...rest } = notification;
  return { ...rest, pending, attempts, outcomes, revision: notification.revision + 1, dueAt: now + delay };
}

/**
 * The write that claims an attempt for one notify invocation until `lease`, with the attempt due again just
 * after it: if the invocation dies while delivering, the sweeper re-drives the notification then.
 */
export function claimDelivery(notification: Notification, now: number, lease: number): Notification {
  return {
    ...notification,
    revision: notification.revision + 1,
    leaseUntil: lease,
    dueAt: Math.max(lease, now),
  };
}
