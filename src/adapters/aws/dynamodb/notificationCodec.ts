/** Notifications (the outbox) to and from DynamoDB items. Pure: no network. */

import {
  GIVE_UP_AFTER_MS,
  type Notification,
  type NotificationTarget,
} from "../../../domain/change/notification.js";
import type { ChangeView } from "../../../domain/change/view.js";
import type { ReplyAddress } from "../../../domain/channels.js";
import { ChangeStoreError } from "../../../ports/ChangeStore.js";
import type { Item } from "./codec.js";
import { DUE_AT, DUE_PK, NOTIFY_DUE_PARTITION, notificationKey, TTL_ATTRIBUTE } from "./table.js";

/** A week past giving up: long enough to look at what was not delivered, then DynamoDB's TTL removes it. */
const KEEP_AFTER_GIVING_UP_SECONDS = 7 * 24 * 3600;

const TARGETS: ReadonlySet<string> = new Set<NotificationTarget>(["event", "callback", "reply"]);

/** The item of a notification: its fields, its place in the `due` index and its TTL. */
export function encodeNotification(notification: Notification): Item {
  const expiresAt =
    Math.floor((notification.createdAt + GIVE_UP_AFTER_MS) / 1000) + KEEP_AFTER_GIVING_UP_SECONDS;
  return {
    ...notification,
    ...notificationKey(notification.changeId, notification.version),
    [DUE_PK]: NOTIFY_DUE_PARTITION,
    [DUE_AT]: notification.dueAt,
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

function replyAddress(value: unknown, fail: (field: string) => never): ReplyAddress {
  const reply = value as Partial<ReplyAddress> | null;
  return typeof reply?.channel === "string" && typeof reply.url === "string"
    ? { channel: reply.channel, url: reply.url }
    : fail("replyTo");
}

/** The notification in an item; a malformed item fails naming the field, never its value. */
export function decodeNotification(item: Item): Notification {
  const fail = (field: string): never => {
    throw new ChangeStoreError(`A stored notification item is malformed: field ${field}.`);
  };
  const number = (field: string): number =>
    typeof item[field] === "number" && Number.isFinite(item[field]) ? item[field] : fail(field);
  const string = (field: string): string => (typeof item[field] === "string" ? item[field] : fail(field));
  const pending = Array.isArray(item.pending) ? item.pending : fail("pending");
  if (!pending.every((target: unknown) => typeof target === "string" && TARGETS.has(target))) fail("pending");
  const view = typeof item.view === "object" && item.view !== null ? item.view : fail("view");
  const outcomes = typeof item.outcomes === "object" && item.outcomes !== null ? item.outcomes : {};
  return {
    id: string("id"),
    changeId: string("changeId"),
    version: number("version"),
    view: view as ChangeView,
    ...(typeof item.warning === "object" && item.warning !== null
      ? { warning: item.warning as NonNullable<Notification["warning"]> }
      : {}),
    ...(typeof item.drift === "object" && item.drift !== null
      ? { drift: item.drift as NonNullable<Notification["drift"]> }
      : {}),
    pending: pending as NotificationTarget[],
    revision: number("revision"),
    attempts: number("attempts"),
    dueAt: number("dueAt"),
    ...(item.leaseUntil === undefined ? {} : { leaseUntil: number("leaseUntil") }),
    ...(item.callbackUrl === undefined ? {} : { callbackUrl: string("callbackUrl") }),
    ...(item.replyTo === undefined ? {} : { replyTo: replyAddress(item.replyTo, fail) }),
    outcomes: outcomes as Notification["outcomes"],
    createdAt: number("createdAt"),
  };
}
