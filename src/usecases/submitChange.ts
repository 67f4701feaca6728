import { createHash } from "node:crypto";
import type { Caller } from "../auth/callers.js";
import type { ChangeRecord, Channel } from "../domain/change/ChangeRecord.js";
import { applyOutcome } from "../domain/change/lifecycle.js";
import { newChange } from "../domain/change/newChange.js";
import type { Provider } from "../domain/peering/settings.js";
import { isTerminal } from "../domain/peering/status.js";
import type { AtlasAnswer, PeerCall } from "../ports/AtlasPeeringApi.js";
import { callAtlas } from "./atlasCall.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import { ChangeInFlightError, IdempotencyKeyReusedError } from "./errors.js";
import { persistChange } from "./persistChange.js";

/** Idempotency keys are remembered this long. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** A lock whose change record never appeared (the writer died in between) is taken over after this. */
const ORPHAN_LOCK_MS = 60_000;

/** A validated, authorised change, ready to record and forward. `body` is what Atlas receives, byte for byte. */
export interface ChangeSubmission {
  caller: Caller;
  channel: Channel;
  call: PeerCall;
  provider: Provider;
  body: string;
  reason?: string;
  callbackUrl?: string;
  idempotencyKey?: string;
}

export type SubmitOutcome =
  | { kind: "created"; change: ChangeRecord; answer?: AtlasAnswer; error?: Error }
  | { kind: "replayed"; change: ChangeRecord };

/**
 * Records the change durably, then sends the PATCH. Same caller + Idempotency-Key + request → the original
 * change, no second PATCH; same key, other request → `IdempotencyKeyReusedError`. While another change for
 * the peering has not settled → `ChangeInFlightError`. Whatever Atlas does (answers, fails, times out), the
 * change is recorded with its next check, so nothing is lost.
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
  const now = deps.now();
  const change = newChange(
    {
      id,
      callerId: input.caller.id,
      channel: input.channel,
      groupId: input.call.groupId,
      peerId: input.call.peerId,
      provider: input.provider,
      apiVersion: input.call.apiVersion,
      query: input.call.query,
      desired: input.body,
      ...optional(input),
    },
    now,
    deps.cadence,
  );
  await deps.store.create(change);
  const result = await callAtlas(deps, input.call, input.body, deadline);
  const next = applyOutcome(change, result.outcome, deps.now(), deps.cadence);
  await persistChange(change, next, deps);
  return {
    kind: "created",
    change: next,
    ...(result.answer ? { answer: result.answer } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}

/** The hash an Idempotency-Key is bound to: what is changed and how. */
export function requestHash(
  input: Pick<ChangeSubmission, "call" | "body" | "callbackUrl" | "reason">,
): string {
  const { groupId, peerId, apiVersion, query } = input.call;
  const canonical = JSON.stringify([
    groupId,
    peerId,
    apiVersion,
    query.pretty,
    query.envelope,
    input.body,
    input.callbackUrl,
    input.reason,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

async function rememberKey(input: ChangeSubmission, id: string, deps: ChangeDeps) {
  const bodyHash = requestHash(input);
  const key = input.idempotencyKey ?? "";
  const nowSeconds = Math.floor(deps.now() / 1000);
  const entry = {
    callerId: input.caller.id,
    key,
    bodyHash,
    changeId: id,
    expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
  };
  const stored = await deps.store.rememberIdempotencyKey(entry, nowSeconds);
  if (stored.stored) return undefined;
  if (stored.existing.bodyHash !== bodyHash) throw new IdempotencyKeyReusedError(stored.existing.changeId);
  return { changeId: stored.existing.changeId, change: await deps.store.get(stored.existing.changeId) };
}

/** One change per peering: take the lock, or take over one left by an ended or never-recorded change. */
async function takePeerLock(call: PeerCall, id: string, deps: ChangeDeps): Promise<void> {
  const now = deps.now();
  const lock = await deps.store.acquirePeerLock(call.groupId, call.peerId, id, now);
  if (lock.acquired || lock.holder.changeId === id) return;
  const holder = await deps.store.get(lock.holder.changeId);
  const stale = holder ? isTerminal(holder.state) : now - lock.holder.since > ORPHAN_LOCK_MS;
  if (stale && (await deps.store.replacePeerLock(call.groupId, call.peerId, lock.holder.changeId, id, now)))
    return;
  throw new ChangeInFlightError(lock.holder.changeId);
}

function optional(input: ChangeSubmission) {
  return {
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(input.callbackUrl === undefined ? {} : { callbackUrl: input.callbackUrl }),
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
  };
}
