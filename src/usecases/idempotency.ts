import { createHash } from "node:crypto";
import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";
import { IdempotencyKeyReusedError } from "./errors.js";

/** Idempotency keys are remembered this long. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** The hash an Idempotency-Key is bound to: what is changed, how, and why. */
export function requestHash(
  input: Pick<ChangeSubmission, "call" | "body" | "callbackUrl" | "reason">,
): string {
  const { groupId, peerId, apiVersion, query } = input.call;
  const canonical = [
    groupId,
    peerId,
    apiVersion,
    query.pretty,
    query.envelope,
    input.body,
    input.callbackUrl,
    input.reason,
  ];
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

/**
 * Binds the caller's key to this request (and to change `id`). Returns undefined for a first use; the earlier
 * change (or, if the earlier writer died before recording it, just its id) for a repeat; throws
 * {@link IdempotencyKeyReusedError} when the key was used for a different request.
 */
export async function rememberKey(
  input: ChangeSubmission,
  id: string,
  deps: ChangeDeps,
): Promise<{ changeId: string; change: ChangeRecord | undefined } | undefined> {
  const bodyHash = requestHash(input);
  const nowSeconds = Math.floor(deps.now() / 1000);
  const entry = {
    callerId: input.caller.id,
    key: input.idempotencyKey ?? "",
    bodyHash,
    changeId: id,
    expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
  };
  const stored = await deps.store.rememberIdempotencyKey(entry, nowSeconds);
  if (stored.stored) return undefined;
  if (stored.existing.bodyHash !== bodyHash) throw new IdempotencyKeyReusedError(stored.existing.changeId);
  return { changeId: stored.existing.changeId, change: await deps.store.get(stored.existing.changeId) };
}
