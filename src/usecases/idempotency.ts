import { createHash } from "node:crypto";
import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import type { IdempotencyEntry } from "../ports/ChangeStore.js";
import { ChangeAlreadyExistsError } from "../ports/ChangeStore.js";
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

/** The entry binding the caller's key to this request and to change `id`, as the store keeps it. */
export function idempotencyEntry(input: ChangeSubmission, id: string, nowSeconds: number): IdempotencyEntry {
  return {
    callerId: input.caller.id,
    key: input.idempotencyKey ?? "",
    bodyHash: requestHash(input),
    changeId: id,
    expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
  };
}

/**
 * The change an earlier use of the caller's key made, or undefined when the key is new (or expired). Throws
 * {@link IdempotencyKeyReusedError} when the key was used for a different request.
 */
export async function changeOfKey(
  input: ChangeSubmission,
  entry: IdempotencyEntry | undefined,
  deps: Pick<ChangeDeps, "store">,
): Promise<ChangeRecord | undefined> {
  if (entry === undefined) return undefined;
  if (entry.bodyHash !== requestHash(input)) throw new IdempotencyKeyReusedError(entry.changeId);
  // The key and its change are written in one transaction: a key without its change is not expected. Such an
  // entry (from a gateway before that) is answered as a change that exists, never by a second PATCH.
  const change = await deps.store.get(entry.changeId);
  if (!change) throw new ChangeAlreadyExistsError();
  return change;
}
