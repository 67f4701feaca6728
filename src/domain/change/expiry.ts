/**
 * The acceptance window of an AWS VPC peering request. AWS expires a request nobody accepted after 7 days
 * ("after which it cannot be accepted or rejected"), and Atlas then reports `errorStateName: EXPIRED`. While a
 * change waits on such a request (Atlas status PENDING_ACCEPTANCE) the gateway knows when it lapses, warns 24 h
 * and 1 h before (each once), and says plainly that it expired. Pure: time comes in as `now`.
 */
import { awsAccepterRegion, setting } from "../peering/providers/observed.js";
import type { AcceptanceWindow, AtlasObservation, ChangeRecord, Transition } from "./ChangeRecord.js";
import { desiredSettings } from "./nextAction.js";

export type { AcceptanceWindow } from "./ChangeRecord.js";

/** How long AWS keeps an unaccepted peering request. */
export const AWS_REQUEST_LIFETIME_MS = 7 * 24 * 3_600_000;
/** Hours before expiry at which a warning goes out, most distant first. */
export const WARNING_HOURS: readonly WarningHours[] = [24, 1];
export type WarningHours = 24 | 1;
/**
 * After `acceptBy`, how long a request still PENDING_ACCEPTANCE is given before the gateway calls it expired:
 * Atlas notices an acceptance made in the last minute only at its next look at AWS.
 */
export const EXPIRY_GRACE_MS = 10 * 60_000;
/** The `atlas.errorCode` of a change whose request lapsed by the clock before Atlas reported EXPIRED. */
export const REQUEST_EXPIRED = "PEERING_REQUEST_EXPIRED";

const HOUR_MS = 3_600_000;
const PENDING = "PENDING_ACCEPTANCE";

/** An expiry warning as notifications carry it: which one, for which request, and the sentence to show. */
export interface ExpiryWarning {
  hoursLeft: WarningHours;
  /** ISO 8601. */
  acceptBy: string;
  from: AcceptanceWindow["from"];
  connectionId?: string;
  /** "⏳ pcx-… expires in 1 h (at …): accept it in AWS account …, region …". */
  text: string;
}

/**
 * Records the request's own expiry time (`expirationTime` from an EC2 describe of the peering, ISO 8601) as
 * the change's deadline to accept, replacing the 7-day estimate. An unreadable time changes nothing.
 */
export function recordAwsExpiry(change: ChangeRecord, isoTime: string, connectionId?: string): ChangeRecord {
  const acceptBy = Date.parse(isoTime);
  if (!Number.isFinite(acceptBy)) return change;
  const pcx = connectionId ?? change.acceptance?.connectionId ?? change.atlas.connectionId;
  const previous = sameRequest(change.acceptance, pcx) ? change.acceptance : undefined;
  const acceptance: AcceptanceWindow = {
    acceptBy,
    from: "aws",
    seenAt: previous?.seenAt ?? acceptBy - AWS_REQUEST_LIFETIME_MS,
    warned: previous?.warned ?? [],
    ...(pcx === undefined ? {} : { connectionId: pcx }),
  };
  return { ...change, acceptance };
}

/** Whether a change is waiting for someone to accept an AWS peering request. */
export function awaitsAcceptance(change: Pick<ChangeRecord, "state" | "atlas">): boolean {
  return change.state === "WAITING_FOR_USER" && change.atlas.status === PENDING;
}

function sameRequest(window: AcceptanceWindow | undefined, connectionId: string | undefined) {
  return window !== undefined && (window.connectionId === undefined || window.connectionId === connectionId);
}

/** The window of `next` (waiting on a request): the one known for the same request, else a new estimate. */
function windowFor(previous: ChangeRecord, next: ChangeRecord, now: number): AcceptanceWindow {
  const pcx = next.atlas.connectionId;
  const known = previous.acceptance;
  if (known && sameRequest(known, pcx))
    return known.connectionId === undefined && pcx !== undefined ? { ...known, connectionId: pcx } : known;
  return {
    acceptBy: now + AWS_REQUEST_LIFETIME_MS,
    from: "estimate",
    seenAt: now,
    warned: [],
    ...(pcx === undefined ? {} : { connectionId: pcx }),
  };
}

/** The most urgent warning due at `now` that was not announced yet; undefined when none is (or it lapsed). */
export function dueWarning(window: AcceptanceWindow, now: number): WarningHours | undefined {
  if (now >= window.acceptBy) return undefined;
  const due = WARNING_HOURS.filter((hours) => now >= window.acceptBy - hours * HOUR_MS);
  const latest = due.at(-1);
  return latest === undefined || window.warned.includes(latest) ? undefined : latest;
}

/** When the next warning (or the lapse itself) falls due. */
export function nextWarningAt(window: AcceptanceWindow): number {
  const pending = WARNING_HOURS.filter((hours) => !window.warned.includes(hours));
  return Math.min(window.acceptBy + EXPIRY_GRACE_MS, ...pending.map((h) => window.acceptBy - h * HOUR_MS));
}

/**
 * Follows the acceptance window after a check wrote `next`: opens it when the change starts waiting on a
 * request, announces the warning that fell due (a history note, and the mark that makes it once only: the
 * outbox turns it into a notification), and brings the next check forward to the next warning. A warning
 * falling due on the check that starts the wait goes out on the next one: that check announces the wait.
 */
export function followAcceptance(
  previous: ChangeRecord,
  next: ChangeRecord,
  now: number,
  floorMs: number,
): ChangeRecord {
  // Kept once the wait is over: it says when the request lapsed, and an AWS time may come before the wait.
  if (!awaitsAcceptance(next)) return next;
  let window = windowFor(previous, next, now);
  let history = next.history;
  const hours = previous.state === next.state ? dueWarning(window, now) : undefined;
  if (hours !== undefined) {
    // A later warning makes the earlier ones moot: a request first seen 30 minutes before it lapses gets one.
    window = { ...window, warned: WARNING_HOURS.filter((h) => h >= hours || window.warned.includes(h)) };
    history = [...history, warningTransition(next, window, hours, now)];
  }
  const result: ChangeRecord = { ...next, acceptance: window, history, deadline: deadlineFor(next, window) };
  if (result.nextCheckAt !== undefined)
    result.nextCheckAt = Math.min(result.nextCheckAt, Math.max(nextWarningAt(window), now + floorMs));
  return result;
}

/**
 * A deadline falling in the request's last hour moves to its end (and the grace): with the default deadline
 * of 7 days from submission the change would otherwise time out minutes before AWS expires the request, and
 * never say that it expired. A deadline set shorter or longer than that is left as the operator set it.
 */
function deadlineFor(change: ChangeRecord, window: AcceptanceWindow): number {
  const end = window.acceptBy + EXPIRY_GRACE_MS;
  return change.deadline >= window.acceptBy - HOUR_MS && change.deadline < end ? end : change.deadline;
}

function warningTransition(
  change: ChangeRecord,
  window: AcceptanceWindow,
  hours: WarningHours,
  now: number,
): Transition {
  const note = warningText(change, window, hours);
  return {
    at: new Date(now).toISOString(),
    from: change.state,
    to: change.state,
    atlasStatus: PENDING,
    note,
  };
}

/** The warning `next` announces over `previous`, when it announces one. */
export function announcedWarning(next: ChangeRecord, previous: ChangeRecord): ExpiryWarning | undefined {
  const window = next.acceptance;
  if (!window || next.state !== previous.state) return undefined;
  const before = sameRequest(previous.acceptance, window.connectionId)
    ? (previous.acceptance?.warned ?? [])
    : [];
  const fresh = window.warned.filter((h) => !before.includes(h));
  const hours = fresh.at(-1);
  if (hours === undefined) return undefined;
  return {
    hoursLeft: hours,
    acceptBy: new Date(window.acceptBy).toISOString(),
    from: window.from,
    ...(window.connectionId === undefined ? {} : { connectionId: window.connectionId }),
    text: warningText(next, window, hours),
  };
}

/** "⏳ pcx-… expires in 1 h (at …): accept it in AWS account …, region …" */
export function warningText(change: ChangeRecord, window: AcceptanceWindow, hours: WarningHours): string {
  const input = { atlas: change.atlas, ...(change.container ? { container: change.container } : {}) };
  const desired = desiredSettings(change.desired);
  const account = setting(input, desired, "awsAccountId") ?? "(your AWS account)";
  const region = awsAccepterRegion(input, desired) ?? "(the accepter VPC's region)";
  const estimate = window.from === "estimate" ? ", 7 days after the gateway first saw it" : "";
  return (
    `⏳ ${window.connectionId ?? "The VPC peering request"} expires in ${hours} h ` +
    `(at ${new Date(window.acceptBy).toISOString()}${estimate}): accept it in AWS account ${account}, ` +
    `region ${region} before then, or it must be requested again.`
  );
}

/** What a change whose request expired reports instead of the outcome's own words. */
export interface Expired {
  atlas: AtlasObservation;
  note: string;
}

/**
 * Whether the request the change waited on has expired: Atlas reports the AWS peer's `errorStateName`
 * EXPIRED, or, while Atlas still shows it PENDING_ACCEPTANCE, the clock passed its `acceptBy` (and the grace).
 * Then the change ends FAILED with a note saying so plainly (the remediation names the way out).
 */
export function requestExpired(
  change: ChangeRecord,
  state: ChangeRecord["state"],
  atlas: AtlasObservation,
  now: number,
): Expired | undefined {
  if (change.provider !== "AWS") return undefined;
  const pcx = atlas.connectionId ?? change.acceptance?.connectionId ?? "The VPC peering request";
  const plain = `${pcx}: the AWS peering request expired unaccepted after 7 days`;
  if (state === "FAILED" && atlas.error === "EXPIRED")
    return { atlas, note: `${plain} (Atlas reports EXPIRED); send the change again to make a new request` };
  const window = change.acceptance;
  if (!window || !awaitsAcceptance({ state, atlas }) || !sameRequest(window, atlas.connectionId))
    return undefined;
  if (now < window.acceptBy + EXPIRY_GRACE_MS) return undefined;
  const at = new Date(window.acceptBy).toISOString();
  const detail = `${plain} (at ${at}${window.from === "estimate" ? ", estimated" : ""}); Atlas still showed it PENDING_ACCEPTANCE`;
  return {
    atlas: { ...atlas, errorCode: REQUEST_EXPIRED, detail },
    note: `${detail}; send the change again to make a new request`,
  };
}
