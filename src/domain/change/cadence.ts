import { createHash } from "node:crypto";
import { setting } from "../peering/providers/observed.js";
import type { ChangeState } from "../peering/status.js";
import type { ChangeRecord } from "./ChangeRecord.js";
import { awaitsAcceptance } from "./expiry.js";
import { desiredSettings } from "./nextAction.js";

/** How often to look at a change, by situation. All in milliseconds. */
export interface CadencePolicy {
  /** While Atlas is working (and the floor everywhere): `RECHECK_DELAY_SECONDS`, default 60 s. */
  recheckDelayMs: number;
  /** The ceiling of the backoff while a person must act: `RECHECK_HUMAN_WAIT_MAX_SECONDS`, default 300 s. */
  humanWaitMaxMs: number;
  /** How long a change is followed at most: `CHANGE_DEADLINE_HOURS`, default 168 h (AWS expires requests after 7 days). */
  deadlineMs: number;
  /**
   * AWS accounts whose VPC peering calls reach the gateway as events (`PEER_EVENT_ACCOUNTS`, the stack's
   * `peerAccountIds`): a person's accept there re-checks the change at once (noticePeerSideCall.ts), so while
   * such a request waits the schedule is only the safety net and backs off up to `waitMaxMs`
   * (`RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS`, default 1800 s) instead of `humanWaitMaxMs`. Absent: no account.
   */
  eventCovered?: { accountIds: readonly string[]; waitMaxMs: number };
}

/**
 * The ceiling of the backoff while Atlas has not accepted the PATCH (RETRYING). A constant rather than a
 * setting: an Atlas outage lasts minutes to hours, so an hour keeps a change that waits out a long one down to
 * about 2 sends an hour (each of up to ATLAS_MAX_ATTEMPTS attempts) while still noticing recovery within the
 * hour. Never below the re-check delay.
 */
export const RETRYING_MAX_DELAY_MS = 60 * 60 * 1000;

/**
 * The wait before the next check. While Atlas works: the re-check delay. While a person must act: doubling
 * from the re-check delay up to the ceiling (people take minutes to hours; polling every few seconds as
 * Terraform does buys nothing). While the PATCH is not accepted yet: exponential backoff with full jitter
 * across a window from the floor (the re-check delay, or Atlas's `Retry-After` if longer) to a ceiling
 * doubling from the re-check delay up to {@link RETRYING_MAX_DELAY_MS}: an outage or a rate limit is not
 * helped by being asked every minute for a week, and jitter keeps the changes it caught from returning in step.
 *
 * @param checks consecutive checks (including this one) in this state: `waitingChecks` or `retryingChecks`
 * @param jitter where in the RETRYING window to land, in [0, 1) (see {@link jitterFor})
 * @param eventCovered the change waits on a request whose acceptance reaches the gateway as an event (see
 *   {@link CadencePolicy.eventCovered}): the human wait's ceiling is the covered one, never below the usual
 */
export function delayBeforeNextCheck(
  state: ChangeState,
  policy: CadencePolicy,
  checks: number,
  retryAfterMs?: number,
  jitter = 0,
  eventCovered = false,
): number {
  if (state === "WAITING_FOR_USER") {
    const covered = eventCovered ? (policy.eventCovered?.waitMaxMs ?? 0) : 0;
    const ceiling = Math.max(policy.humanWaitMaxMs, covered);
    return Math.max(policy.recheckDelayMs, Math.min(ceiling, doubled(policy, checks)));
  }
  const floor = Math.max(policy.recheckDelayMs, retryAfterMs ?? 0);
  if (state !== "RETRYING") return floor;
  const ceiling = Math.min(Math.max(policy.recheckDelayMs, RETRYING_MAX_DELAY_MS), doubled(policy, checks));
  return ceiling <= floor ? floor : Math.floor(floor + jitter * (ceiling - floor));
}

/**
 * Whether `change` waits on an AWS request in an account whose peering calls reach the gateway as events
 * ({@link CadencePolicy.eventCovered}): the account Atlas reports for the peer, else the one the change asked.
 */
export function acceptanceReachesUs(
  change: Pick<ChangeRecord, "provider" | "state" | "atlas" | "desired">,
  policy: CadencePolicy,
): boolean {
  const accounts = policy.eventCovered?.accountIds;
  if (!accounts?.length || change.provider !== "AWS" || !awaitsAcceptance(change)) return false;
  const account = setting({ atlas: change.atlas }, desiredSettings(change.desired), "awsAccountId");
  return account !== undefined && accounts.includes(account);
}

/** The re-check delay doubled once per check after the first. */
function doubled(policy: CadencePolicy, checks: number): number {
  return policy.recheckDelayMs * 2 ** Math.max(0, checks - 1);
}

/**
 * The jitter of a change's attempt: a number in [0, 1) derived from its id and attempt number. Deterministic
 * rather than `Math.random()`: the domain stays pure and testable without injecting a source, a duplicate
 * re-check computes the same schedule, and distinct change ids still spread out across the window.
 */
export function jitterFor(changeId: string, attempt: number): number {
  return createHash("sha256").update(`${changeId}#${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The time of the next check: after the delay, but never past the deadline (the last check is at it). */
export function nextCheckTime(now: number, delayMs: number, deadline: number): number {
  return Math.min(now + delayMs, Math.max(deadline, now));
}
