import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import {
  applyOutcome,
  holdLease,
  leaseUntil,
  settingsHoldDesired,
  withState,
} from "../domain/change/lifecycle.js";
import { newChange } from "../domain/change/newChange.js";
import { OPERATION_RULES, READ_PEER } from "../domain/change/operations.js";
import type { ChangePlan } from "../domain/change/plan.js";
import { readPeerStatus } from "../domain/peering/status.js";
import type { AtlasAnswer } from "../ports/AtlasPeeringApi.js";
import { withAccepterAccount } from "./accepterAccount.js";
import { type AtlasCallResult, callAtlas } from "./atlasCall.js";
import { audit, changeAuditFields } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";
import { wholeBody } from "./completePeering.js";
import { changeOfKey } from "./idempotency.js";
import { persistChange } from "./persistChange.js";
import { planOrRefuse } from "./planOrRefuse.js";
import type { readAndPlan } from "./readAndPlan.js";
import { withContainer } from "./readContainer.js";
import { recheckChange, sentAs } from "./recheckChange.js";
import { recordChange } from "./recordChange.js";

export type SubmitOutcome =
  | { kind: "created"; change: ChangeRecord; plan: ChangePlan; answer?: AtlasAnswer; error?: Error }
  | { kind: "replayed"; change: ChangeRecord };

/** Time the read after a PATCH of unknown effect needs to be worth starting in the request. */
const FOLLOW_UP_MIN_MS = 5_000;

/**
 * Completes a partial body from the peer (see `completePeering`), plans, records durably, then sends the
 * PATCH. Same caller + Idempotency-Key + request → the original change, no read and no second PATCH; same key, other request → `IdempotencyKeyReusedError`. While another change for the
 * peering has not settled, or its PATCH may still land → `ChangeInFlightError`. A change Atlas cannot make in
 * place → `ChangeRefusedError`; outside the project policy or onto an overlapping CIDR → the guardrails'
 * refusal (see `planOrRefuse`); a change that changes nothing completes as SUCCEEDED without a PATCH. Whatever
 * Atlas does afterwards (answers, fails, times out), the change is recorded with its next check, so nothing is
 * lost; the outcome returned is the change as stored.
 */
export async function submitChange(
  input: ChangeSubmission,
  deps: ChangeDeps,
  deadline: number,
): Promise<SubmitOutcome> {
  const earlier = await earlierChange(input, deps);
  if (earlier) return { kind: "replayed", change: earlier };
  // A partial body is completed from the peer only now: a replay needs no read, whatever the peer became.
  const whole: ChangeSubmission = { ...input, ...(await wholeBody(input, input.call, deps, deadline)) };
  const planned = await planOrRefuse(whole, deps, deadline);
  const now = deps.now();
  const change = newChange(changeData(whole, deps.newId()), now, deps.cadence, leaseUntil(now, deadline));
  // The Idempotency-Key is bound to the request as the caller sent it, never to what the peer filled in.
  const twin = await recordChange(change, input, deps);
  if (twin) return { kind: "replayed", change: twin };
  if (planned.plan.noop) return completeWithoutPatch(change, planned, deps);
  // The audit record and the PATCH do not depend on each other: one round trip saved on every change.
  const [sent] = await Promise.all([
    callAtlas(deps, input.call, OPERATION_RULES.update.send({ desired: change.desired }), deadline),
    audit(
      deps,
      changeAuditFields(change, "accepted", { before: planned.current, requestId: input.requestId }),
    ),
  ]);
  const { stored, result } = await recordOutcome(change, sent, deps, deadline);
  logSubmitted(stored, result, deps);
  return {
    kind: "created",
    change: stored,
    plan: planned.plan,
    ...(result.answer ? { answer: result.answer } : {}),
    ...(result.error && !result.answer ? { error: result.error } : {}),
  };
}

/** The change an earlier request with the same Idempotency-Key made, if any (no read, no PATCH then). */
async function earlierChange(input: ChangeSubmission, deps: ChangeDeps): Promise<ChangeRecord | undefined> {
  if (input.idempotencyKey === undefined) return undefined;
  const nowSeconds = Math.floor(deps.now() / 1000);
  const entry = await deps.store.findIdempotencyKey(input.caller.id, input.idempotencyKey, nowSeconds);
  return changeOfKey(input, entry, deps);
}

/**
 * Records what the PATCH did, and answers with what was stored: when another writer moved the change first,
 * the stored change, not this invocation's view of it. A PATCH of unknown effect (no answer, and it may have
 * reached Atlas) is never sent again without reading the peer first:
 * - it timed out: Atlas may still be working on it, so the change keeps its lease (nothing sends it again
 *   while it could still land) and the peer is read once, only to follow a PATCH that landed; the check after
 *   the lease decides the rest;
 * - its connection was lost: it cannot land later, so, time allowing, a re-check runs at once: it reads the
 *   peer and sends the PATCH again only if the peer does not hold the settings (one effective PATCH).
 */
async function recordOutcome(
  change: ChangeRecord,
  sent: AtlasCallResult,
  deps: ChangeDeps,
  deadline: number,
): Promise<{ stored: ChangeRecord; result: AtlasCallResult }> {
  const applied = applyOutcome(change, sent.outcome, deps.now(), deps.cadence);
  let next = await withAccepterAccount(await withContainer(applied, deps, deadline), deps);
  const doubt = next.state === "RETRYING" && !sent.answer ? sent.effectUnknown : undefined;
  if (doubt === "timed-out" && change.leaseUntil !== undefined) next = holdLease(next, change.leaseUntil);
  if (!(await persistChange(change, next, deps))) return { stored: await storedOr(next, deps), result: sent };
  if (!doubt || deadline - deps.now() < FOLLOW_UP_MIN_MS) return { stored: next, result: sent };
  if (doubt === "timed-out") return confirmLanded(next, sent, deps, deadline);
  const followed = await recheckChange({ changeId: next.id, attempt: next.attempt }, deps, deadline);
  const answer = followed.kind === "checked" ? followed.answer : undefined;
  return { stored: await storedOr(next, deps), result: answer ? { answer, outcome: sent.outcome } : sent };
}

/** The read-only follow-up of a PATCH that timed out (see {@link recordOutcome}). */
async function confirmLanded(
  next: ChangeRecord,
  sent: AtlasCallResult,
  deps: ChangeDeps,
  deadline: number,
): Promise<{ stored: ChangeRecord; result: AtlasCallResult }> {
  const call = { groupId: next.groupId, peerId: next.peerId, apiVersion: next.apiVersion, query: next.query };
  const read = await callAtlas(deps, call, READ_PEER, deadline);
  const landed = read.outcome.kind === "peer" && settingsHoldDesired(next.desired, read.outcome.settings);
  if (!landed || !read.answer) return { stored: next, result: sent };
  const applied = applyOutcome(next, read.outcome, deps.now(), deps.cadence);
  const followed = await withAccepterAccount(await withContainer(applied, deps, deadline), deps);
  const stored = (await persistChange(next, followed, deps)) ? followed : await storedOr(next, deps);
  return { stored, result: { answer: read.answer, outcome: read.outcome } };
}

/** The change as stored now (`fallback` if the store has lost it, which a conditional write cannot cause). */
async function storedOr(fallback: ChangeRecord, deps: ChangeDeps): Promise<ChangeRecord> {
  return (await deps.store.get(fallback.id)) ?? fallback;
}

function logSubmitted(next: ChangeRecord, result: AtlasCallResult, deps: ChangeDeps): void {
  deps.logger.info("peering change submitted", {
    changeId: next.id,
    channel: next.channel,
    groupId: next.groupId,
    peerId: next.peerId,
    apiVersion: next.apiVersion,
    // What reached Atlas: a PATCH the shared budget held back is logged as such, with no Atlas status.
    sent: sentAs("PATCH", result),
    atlasHttpStatus: result.answer?.status,
    atlasLatencyMs: result.answer?.latencyMs,
    atlasAttempts: result.answer?.attempts,
    atlasStatus: next.atlas.status,
    atlasErrorCode: next.atlas.errorCode,
    state: next.state,
  });
}

/** Nothing to change: the change is recorded as SUCCEEDED at once, announced and audited, with no PATCH. */
async function completeWithoutPatch(
  change: ChangeRecord,
  planned: Awaited<ReturnType<typeof readAndPlan>>,
  deps: ChangeDeps,
): Promise<SubmitOutcome> {
  const peer = readPeerStatus(planned.current);
  const atlas = {
    ...(peer.status ? { status: peer.status } : {}),
    ...(planned.answer ? { httpStatus: planned.answer.status } : {}),
  };
  const done = withState(
    change,
    "SUCCEEDED",
    deps.now(),
    atlas,
    "no change needed: the peer already has these settings",
  );
  const stored = (await persistChange(change, done, deps)) ? done : await storedOr(done, deps);
  return {
    kind: "created",
    change: stored,
    plan: planned.plan,
    ...(planned.answer ? { answer: planned.answer } : {}),
  };
}

function changeData(input: ChangeSubmission, id: string) {
  return {
    id,
    callerId: input.caller.id,
    channel: input.channel,
    groupId: input.call.groupId,
    peerId: input.call.peerId,
    provider: input.provider,
    operation: "update" as const,
    apiVersion: input.call.apiVersion,
    query: input.call.query,
    desired: input.body,
    requestId: input.requestId,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(input.callbackUrl === undefined ? {} : { callbackUrl: input.callbackUrl }),
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    ...(input.replyTo === undefined ? {} : { replyTo: input.replyTo }),
  };
}
