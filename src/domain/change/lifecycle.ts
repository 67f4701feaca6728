import { parseObject } from "../json.js";
import { type ChangeState, isTerminal, type PeerStatus } from "../peering/status.js";
import type { AtlasObservation, ChangeRecord, Transition } from "./ChangeRecord.js";
import { type CadencePolicy, delayBeforeNextCheck, jitterFor, nextCheckTime } from "./cadence.js";
import { type ChangeOperation, OPERATION_RULES } from "./operations.js";

/** Terminal records are kept this long, then expire (TTL). */
export const RETENTION_SECONDS = 90 * 24 * 60 * 60;

/** What one look at Atlas (a PATCH or a GET) found. */
export type AtlasOutcome =
  /** Atlas answered with the peer. */
  | { kind: "peer"; httpStatus: number; peer: PeerStatus }
  /** Atlas refused (a 4xx other than 429); `errorCode` e.g. PEER_NOT_FOUND. */
  | { kind: "refused"; httpStatus: number; errorCode?: string; detail?: string }
  /** No usable answer: 429, 5xx, a network failure, or the gateway could not get its keys. */
  | { kind: "unavailable"; httpStatus?: number; errorCode?: string; detail?: string; retryAfterMs?: number };

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

/**
 * Applies an outcome to a change: new state, what Atlas said, history, the next check (or the end of
 * checking), and the next attempt number. Pure: the caller persists the result conditionally on
 * `change.version`. At or past the deadline, a change that has not settled is TIMED_OUT.
 */
export function applyOutcome(
  change: ChangeRecord,
  outcome: AtlasOutcome,
  now: number,
  policy: CadencePolicy,
): ChangeRecord {
  let state = stateAfter(change.state, outcome, change.operation);
  if (!isTerminal(state) && now >= change.deadline) state = "TIMED_OUT";
  const atlas = observation(change.atlas, outcome);
  const next = withState(change, state, now, atlas, noteFor(outcome, state));
  next.waitingChecks = state === "WAITING_FOR_USER" ? change.waitingChecks + 1 : 0;
  delete next.retryingChecks;
  if (state === "RETRYING") next.retryingChecks = (change.retryingChecks ?? 0) + 1;
  if (!isTerminal(state)) {
    const retryAfterMs = outcome.kind === "unavailable" ? outcome.retryAfterMs : undefined;
    const checks = state === "RETRYING" ? (next.retryingChecks ?? 1) : next.waitingChecks;
    // Seeded by the attempt the next check carries, so each step of one change lands elsewhere in its window.
    const jitter = jitterFor(change.id, next.attempt);
    const delay = delayBeforeNextCheck(state, policy, checks, retryAfterMs, jitter);
    next.nextCheckAt = nextCheckTime(now, delay, change.deadline);
  }
  return next;
}

/**
 * The write that claims a re-send before the PATCH goes out: the attempt moves on, so a duplicate re-check
 * (it carries the old attempt) is stale from here on, and of concurrent ones only the one whose conditional
 * write wins sends. The next check stays due, so if the function dies during the PATCH the sweeper finds the
 * change and reads the peer first. Nothing is recorded in the history: nothing was learnt yet.
 */
export function claimResend(change: ChangeRecord, now: number, policy: CadencePolicy): ChangeRecord {
  return {
    ...change,
    version: change.version + 1,
    attempt: change.attempt + 1,
    updatedAt: now,
    nextCheckAt: nextCheckTime(now, policy.recheckDelayMs, change.deadline),
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
  const wanted = parseObject(desired);
  const peer = parseObject(peerBody);
  const fields = Object.entries(wanted);
  if (fields.length === 0) return false;
  return fields.every(([field, value]) =>
    field === "providerName" ? (peer.providerName ?? "AWS") === (value ?? "AWS") : peer[field] === value,
  );
}

/** Moves a change to `state` (CANCELLED by a caller, for instance), recording the transition. */
export function withState(
  change: ChangeRecord,
  state: ChangeState,
  now: number,
  atlas: AtlasObservation = change.atlas,
  note?: string,
): ChangeRecord {
  const { nextCheckAt: _previous, expiresAt: _none, ...rest } = change;
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

function observation(previous: AtlasObservation, outcome: AtlasOutcome): AtlasObservation {
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
