import { parseObject } from "../json.js";
import { type ChangeState, isTerminal, type PeerStatus } from "../peering/status.js";
import { budgetNote, budgetWaitDelay, inBudgetRun } from "./budgetWait.js";
import type { AtlasObservation, ChangeRecord, Transition } from "./ChangeRecord.js";
import {
  acceptanceReachesUs,
  type CadencePolicy,
  delayBeforeNextCheck,
  jitterFor,
  nextCheckTime,
} from "./cadence.js";
import { followAcceptance, requestExpired } from "./expiry.js";
import { observedPeerSettings } from "./observed.js";
import { type ChangeOperation, OPERATION_RULES } from "./operations.js";

/** Terminal records are kept this long, then expire (TTL). */
export const RETENTION_SECONDS = 90 * 24 * 60 * 60;

/** What one look at Atlas (a PATCH or a GET) found. */
export type AtlasOutcome =
  /**
   * Atlas answered with the peer: its status, and its settings (the peer's JSON object, `envelope=true`
   * unwrapped) when the answer carried them, so that a settled change is checked against what it asked.
   */
  | { kind: "peer"; httpStatus: number; peer: PeerStatus; settings?: Record<string, unknown> }
  /** Atlas refused (a 4xx other than 429); `errorCode` e.g. PEER_NOT_FOUND. */
  | { kind: "refused"; httpStatus: number; errorCode?: string; detail?: string }
  /**
   * No usable answer: 429, 5xx, a network failure, or the gateway could not get its keys. `notSent`: nothing
   * went to Atlas (the shared rate budget was empty until `retryAfterMs` from now; see budgetWait.ts).
   */
  | {
      kind: "unavailable";
      httpStatus?: number;
      errorCode?: string;
      detail?: string;
      retryAfterMs?: number;
      notSent?: boolean;
    };

/**
 * The state a change moves to after an outcome. Before Atlas accepted the PATCH (RETRYING), a refusal is
 * final (REJECTED) and an outage means "send it again later". Afterwards, the peer vanishing (404) is a
 * failure, and outages or other refusals of a GET leave the state as it is: the next check will tell.
 */
export function stateAfter(
  current: ChangeState,
  outcome: AtlasOutcome,
  operation: ChangeOperation = "update",
): ChangeState {
  if (outcome.kind === "peer") return OPERATION_RULES[operation].stateForPeer(outcome.peer);
  if (current === "RETRYING") return outcome.kind === "refused" ? "REJECTED" : "RETRYING";
  if (outcome.kind === "refused" && outcome.httpStatus === 404) return "FAILED";
  return current;
}

/** The `atlas.errorCode` of a change whose peer settled without holding the settings it asked for. */
export const SETTINGS_NOT_APPLIED = "SETTINGS_NOT_APPLIED";

/**
 * Applies an outcome to a change: new state, what Atlas said, history, the next check (or the end of
 * checking), and the next attempt number. Pure: the caller persists the result conditionally on
 * `change.version`. At or past the deadline, a change that has not settled is TIMED_OUT. A peer that settled
 * (AVAILABLE) without holding the settings the change asked for — reverted out of band mid-way, or an Atlas
 * that restarted — is not SUCCEEDED but FAILED with {@link SETTINGS_NOT_APPLIED} and what differs. An AWS
 * request waiting for acceptance is followed to its expiry, with warnings before it (expiry.ts).
 */
export function applyOutcome(
  change: ChangeRecord,
  outcome: AtlasOutcome,
  now: number,
  policy: CadencePolicy,
): ChangeRecord {
  if (outcome.kind === "unavailable" && outcome.notSent && now < change.deadline)
    return waitForBudget(change, outcome.retryAfterMs ?? policy.recheckDelayMs, now, policy);
  let state = stateAfter(change.state, outcome, change.operation);
  const unapplied = state === "SUCCEEDED" ? settingsNotApplied(change.desired, outcome) : undefined;
  if (unapplied) state = "FAILED";
  let atlas = observation(change.atlas, outcome);
  const expired = requestExpired(change, state, atlas, now);
  if (expired) ({ state, atlas } = { state: "FAILED", atlas: expired.atlas });
  if (!isTerminal(state) && now >= change.deadline) state = "TIMED_OUT";
  let note = expired?.note ?? noteFor(outcome, state);
  if (unapplied) {
    atlas = { ...atlas, errorCode: SETTINGS_NOT_APPLIED, detail: unapplied };
    note = `Atlas reports ${atlas.status ?? "the peer settled"} without the settings asked: ${unapplied}`;
  }
  const next = withState(change, state, now, atlas, note);
  next.waitingChecks = state === "WAITING_FOR_USER" ? change.waitingChecks + 1 : 0;
  delete next.retryingChecks;
  if (state === "RETRYING") next.retryingChecks = (change.retryingChecks ?? 0) + 1;
  if (!isTerminal(state)) {
    const retryAfterMs = outcome.kind === "unavailable" ? outcome.retryAfterMs : undefined;
    const checks = state === "RETRYING" ? (next.retryingChecks ?? 1) : next.waitingChecks;
    // Seeded by the attempt the next check carries, so each step of one change lands elsewhere in its window.
    const jitter = jitterFor(change.id, next.attempt);
    const covered = acceptanceReachesUs(next, policy);
    const delay = delayBeforeNextCheck(state, policy, checks, retryAfterMs, jitter, covered);
    next.nextCheckAt = nextCheckTime(now, delay, change.deadline);
  }
  return followAcceptance(change, next, now, policy.recheckDelayMs);
}

/** Nothing was sent: same state, same observation, one history note per run, the next look when a token is due. */
function waitForBudget(change: ChangeRecord, waitMs: number, now: number, policy: CadencePolicy) {
  const note = inBudgetRun(change.history) ? undefined : budgetNote(now + waitMs);
  const next = withState(change, change.state, now, change.atlas, note);
  const checks = change.state === "RETRYING" ? (change.retryingChecks ?? 0) + 1 : 1;
  if (change.state === "RETRYING") next.retryingChecks = checks;
  const delay = budgetWaitDelay(waitMs, policy.recheckDelayMs, checks, jitterFor(change.id, next.attempt));
  next.nextCheckAt = nextCheckTime(now, delay, change.deadline);
  return next;
}

/**
 * After an invocation's deadline its PATCH may still be on the wire or being handled by Atlas for a moment
 * (Lambda freezes the process, the socket dies, Atlas may have read the request): the lease outlives it by this.
 */
export const LEASE_MARGIN_MS = 15_000;

/** No invocation outlives Lambda's 15-minute limit, whatever deadline a caller passed. */
const MAX_INVOCATION_MS = 15 * 60_000;

/** The lease an invocation ending at `deadline` takes at `now` on a change whose PATCH it sends. */
export function leaseUntil(now: number, deadline: number): number {
  return Math.min(deadline, now + MAX_INVOCATION_MS) + LEASE_MARGIN_MS;
}

/** Whether an invocation may have the change's PATCH in flight at `now` (see `ChangeRecord.leaseUntil`). */
export function isLeased(change: Pick<ChangeRecord, "leaseUntil">, now: number): boolean {
  return change.leaseUntil !== undefined && change.leaseUntil > now;
}

/**
 * The write that claims a re-send before the PATCH goes out: the attempt moves on, so a duplicate re-check
 * (it carries the old attempt) is stale from here on, and of concurrent ones only the one whose conditional
 * write wins sends. The claim holds a lease until `lease` (see {@link leaseUntil}), and the next check stays
 * due just after it, so if the function dies during the PATCH the sweeper finds the change once the PATCH can
 * no longer land, and reads the peer first. Nothing is recorded in the history: nothing was learnt yet.
 */
export function claimResend(
  change: ChangeRecord,
  now: number,
  policy: CadencePolicy,
  lease: number,
): ChangeRecord {
  return {
    ...change,
    version: change.version + 1,
    attempt: change.attempt + 1,
    updatedAt: now,
    leaseUntil: lease,
    nextCheckAt: Math.max(lease, nextCheckTime(now, policy.recheckDelayMs, change.deadline)),
  };
}

/**
 * Whether the peer (Atlas's GET body) already holds every setting of the change's desired body, so that a
 * PATCH that landed before the gateway could record it is followed rather than sent again (an AWS re-send
 * re-opens a peering the owner already accepted). Only the fields in the desired body are compared, exactly:
 * a null `accepterRegionName` may mean "the container's region", but that region is not known here, so it
 * counts as a mismatch and the PATCH is sent. `providerName` absent on either side is AWS, as Atlas reads it.
 */
export function peerHoldsDesired(desired: string, peerBody: string): boolean {
  return settingsHoldDesired(desired, parseObject(peerBody));
}

/** {@link peerHoldsDesired} on the peer's settings as an outcome carries them (the envelope unwrapped). */
export function settingsHoldDesired(desired: string, settings: Record<string, unknown> | undefined): boolean {
  const wanted = parseObject(desired);
  if (Object.keys(wanted).length === 0 || settings === undefined) return false;
  return unheldSettings(wanted, settings, { nullRegionMatches: false }).length === 0;
}

/**
 * A RETRYING change whose PATCH may still land (no answer came, and it may have reached Atlas): it keeps the
 * lease of the invocation that sent it, and its next check comes only after, so nothing is sent again before
 * the PATCH can no longer land; that check reads the peer first.
 */
export function holdLease(change: ChangeRecord, lease: number): ChangeRecord {
  return { ...change, leaseUntil: lease, nextCheckAt: Math.max(lease, change.nextCheckAt ?? lease) };
}

/** One setting the change asked for that the peer does not hold. */
export interface UnheldSetting {
  field: string;
  /** What Atlas holds (undefined when the peer has no such field). */
  held: unknown;
  asked: unknown;
}

/**
 * The settings of `desired` that `peer` does not hold. Only the fields the body sent are compared (a v1.0
 * partial body compares only those), each by exact equality, `providerName` absent on either side being AWS.
 * With `nullRegionMatches`, a null `accepterRegionName` on the peer holds any desired region: Atlas reports
 * null when the VPC is in the container's region (docs/atlas-api.md §1.3), and the gateway cannot read the
 * container's region to tell. Without it (the re-send decision), null is a mismatch, so the PATCH is sent.
 */
export function unheldSettings(
  desired: Record<string, unknown>,
  peer: Record<string, unknown>,
  options: { nullRegionMatches: boolean },
): UnheldSetting[] {
  const holds = (field: string, value: unknown): boolean => {
    if (field === "providerName") return (peer.providerName ?? "AWS") === (value ?? "AWS");
    if (field === "accepterRegionName" && peer[field] === null && options.nullRegionMatches) return true;
    return peer[field] === value;
  };
  return Object.entries(desired)
    .filter(([field, value]) => !holds(field, value))
    .map(([field, asked]) => ({ field, held: peer[field], asked }));
}

/**
 * Why a peer that settled does not carry out the change, as `field: Atlas holds X, asked Y` for each differing
 * field; undefined when it holds every setting asked, or when Atlas's answer carried no settings to compare.
 */
function settingsNotApplied(desired: string, outcome: AtlasOutcome): string | undefined {
  if (outcome.kind !== "peer" || !outcome.settings) return undefined;
  const unheld = unheldSettings(parseObject(desired), outcome.settings, { nullRegionMatches: true });
  if (unheld.length === 0) return undefined;
  return unheld
    .map(({ field, held, asked }) => `${field}: Atlas holds ${shown(held)}, asked ${shown(asked)}`)
    .join("; ");
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return "no value";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Moves a change to `state` (CANCELLED by a caller, for instance), recording the transition. */
export function withState(
  change: ChangeRecord,
  state: ChangeState,
  now: number,
  atlas: AtlasObservation = change.atlas,
  note?: string,
): ChangeRecord {
  // A state written from an outcome ends the lease: the PATCH's outcome is known (or it was never sent).
  const { nextCheckAt: _previous, expiresAt: _none, leaseUntil: _lease, ...rest } = change;
  const next: ChangeRecord = {
    ...rest,
    state,
    atlas,
    version: change.version + 1,
    attempt: change.attempt + 1,
    updatedAt: now,
  };
  // Same-state checks are recorded only when they learn something new, so a week of waiting stays short.
  const news =
    state !== change.state ||
    atlas.status !== change.atlas.status ||
    (note && note !== change.history.at(-1)?.note);
  if (news) {
    const transition: Transition = { at: new Date(now).toISOString(), from: change.state, to: state };
    if (atlas.status) transition.atlasStatus = atlas.status;
    if (note) transition.note = note;
    next.history = [...change.history, transition];
  }
  if (isTerminal(state)) next.expiresAt = Math.floor(now / 1000) + RETENTION_SECONDS;
  return next;
}

/** What an outcome teaches about the peer; its settings as Atlas returned them stay until an answer has new ones. */
function observation(previous: AtlasObservation, outcome: AtlasOutcome): AtlasObservation {
  const settings = outcome.kind === "peer" ? observedPeerSettings(outcome.settings) : undefined;
  const peer = settings ?? previous.peer;
  const observed = statusObservation(previous, outcome);
  return peer === undefined ? observed : { ...observed, peer };
}

function statusObservation(previous: AtlasObservation, outcome: AtlasOutcome): AtlasObservation {
  if (outcome.kind === "peer") {
    const { status, error, connectionId } = outcome.peer;
    return compact({
      status,
      error,
      connectionId: connectionId ?? previous.connectionId,
      httpStatus: outcome.httpStatus,
    });
  }
  const { status, error, connectionId } = previous;
  return compact({
    status,
    error,
    connectionId,
    httpStatus: outcome.httpStatus,
    errorCode: outcome.errorCode,
    detail: outcome.detail,
  });
}

function noteFor(outcome: AtlasOutcome, state: ChangeState): string | undefined {
  if (state === "TIMED_OUT") return "deadline passed";
  if (outcome.kind === "peer") return outcome.peer.error ? `Atlas reports ${outcome.peer.error}` : undefined;
  const what = outcome.errorCode ?? (outcome.httpStatus ? `HTTP ${outcome.httpStatus}` : "no answer");
  return outcome.kind === "refused" ? `Atlas refused: ${what}` : `Atlas unavailable: ${what}`;
}

function compact(value: Record<string, string | number | undefined>): AtlasObservation {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as AtlasObservation;
}
