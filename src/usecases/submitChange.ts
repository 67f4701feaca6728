import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { applyOutcome, withState } from "../domain/change/lifecycle.js";
import { newChange } from "../domain/change/newChange.js";
import { OPERATION_RULES } from "../domain/change/operations.js";
import type { ChangePlan } from "../domain/change/plan.js";
import { parseObject } from "../domain/json.js";
import { readPeerStatus } from "../domain/peering/status.js";
import type { AtlasAnswer } from "../ports/AtlasPeeringApi.js";
import { ChangeAlreadyExistsError } from "../ports/ChangeStore.js";
import { callAtlas } from "./atlasCall.js";
import { audit, changeAuditFields } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";
import { ChangeRefusedError } from "./errors.js";
import { rememberKey } from "./idempotency.js";
import { releasePeerLock, takePeerLock } from "./peerLock.js";
import { persistChange } from "./persistChange.js";
import { readAndPlan } from "./readAndPlan.js";

export type SubmitOutcome =
  | { kind: "created"; change: ChangeRecord; plan: ChangePlan; answer?: AtlasAnswer; error?: Error }
  | { kind: "replayed"; change: ChangeRecord };

/**
 * Plans, records durably, then sends the PATCH. Same caller + Idempotency-Key + request → the original change,
 * no second PATCH; same key, other request → `IdempotencyKeyReusedError`. While another change for the
 * peering has not settled → `ChangeInFlightError`. A change Atlas cannot make in place → `ChangeRefusedError`;
 * a change that changes nothing completes as SUCCEEDED without a PATCH. Whatever Atlas does afterwards
 * (answers, fails, times out), the change is recorded with its next check, so nothing is lost.
 */
export async function submitChange(
  input: ChangeSubmission,
  deps: ChangeDeps,
  deadline: number,
): Promise<SubmitOutcome> {
  let id = deps.newId();
  if (input.idempotencyKey !== undefined) {
    const earlier = await rememberKey(input, id, deps);
    if (earlier?.change) return { kind: "replayed", change: earlier.change };
    if (earlier) id = earlier.changeId; // the key was stored, but the change never was: finish the job
  }
  await takePeerLock(input.call, id, deps);
  const planned = await planOrRelease(input, id, deps, deadline);
  const change = newChange(changeData(input, id), deps.now(), deps.cadence);
  if (!(await createOrFindTwin(change, deps))) return replayOf(id, deps);
  if (planned.plan.noop) return completeWithoutPatch(change, planned, deps);
  // The audit record and the PATCH do not depend on each other: one round trip saved on every change.
  const [result] = await Promise.all([
    callAtlas(deps, input.call, OPERATION_RULES.update.send({ desired: input.body }), deadline),
    audit(
      deps,
      changeAuditFields(change, "accepted", { before: planned.current, requestId: input.requestId }),
    ),
  ]);
  const next = applyOutcome(change, result.outcome, deps.now(), deps.cadence);
  await persistChange(change, next, deps);
  deps.logger.info("peering change submitted", {
    changeId: next.id,
    channel: next.channel,
    groupId: next.groupId,
    peerId: next.peerId,
    apiVersion: next.apiVersion,
    atlasHttpStatus: result.answer?.status,
    atlasLatencyMs: result.answer?.latencyMs,
    atlasAttempts: result.answer?.attempts,
    atlasStatus: next.atlas.status,
    atlasErrorCode: next.atlas.errorCode,
    state: next.state,
  });
  return {
    kind: "created",
    change: next,
    plan: planned.plan,
    ...(result.answer ? { answer: result.answer } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}

/** Reads and plans; a refused plan frees the peering again and is audited before it is thrown. */
async function planOrRelease(input: ChangeSubmission, id: string, deps: ChangeDeps, deadline: number) {
  const desired = parseObject(input.body);
  if (input.plan === false) return { plan: { diff: [], noop: false, warnings: [] } };
  const read = readAndPlan(input.call, input.provider, desired, deps, deadline, input.knownPeer);
  const planned = await read.catch(async (error: unknown) => {
    await releasePeerLock(input.call, id, deps);
    throw error;
  });
  if (planned.plan.refusal === undefined) return planned;
  await releasePeerLock(input.call, id, deps);
  await audit(deps, {
    requestId: input.requestId,
    channel: input.channel,
    callerId: input.caller.id,
    outcome: "refused",
    reason: "not updatable",
    groupId: input.call.groupId,
    peerId: input.call.peerId,
    asked: parseObject(input.body),
    before: planned.current,
    detail: planned.plan.refusal,
  });
  throw new ChangeRefusedError(planned.plan.refusal);
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
  await persistChange(change, done, deps);
  return {
    kind: "created",
    change: done,
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

/**
 * Records the new change. `false` when a change with its id is already stored: a request racing itself with
 * the same Idempotency-Key took the same id (rememberKey) and won. The loser must answer with the winner's
 * change, not an error, and must not send a second PATCH.
 */
async function createOrFindTwin(change: ChangeRecord, deps: ChangeDeps): Promise<boolean> {
  try {
    await deps.store.create(change);
    return true;
  } catch (error) {
    if (error instanceof ChangeAlreadyExistsError && change.idempotencyKey !== undefined) return false;
    throw error;
  }
}

/** The winner's change, as a replay. */
async function replayOf(id: string, deps: ChangeDeps): Promise<SubmitOutcome> {
  const change = await deps.store.get(id);
  if (!change) throw new ChangeAlreadyExistsError();
  return { kind: "replayed", change };
}
