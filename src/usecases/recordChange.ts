import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { isLeased } from "../domain/change/lifecycle.js";
import { isTerminal } from "../domain/peering/status.js";
import { ChangeStoreError, type PeerLockHolder } from "../ports/ChangeStore.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";
import { ChangeInFlightError } from "./errors.js";
import { changeOfKey, idempotencyEntry } from "./idempotency.js";

/** A lock naming a change that was never stored (written by a gateway before locks were transactional). */
const ORPHAN_LOCK_MS = 60_000;
/** Tries when the lock or key that refused us is gone by the time we look (released, expired). */
const MAX_TRIES = 4;

/**
 * Records a new change with the peering's lock and its Idempotency-Key in one write, so that no lock or key
 * ever names a change that was not stored (a crash between them cannot leave the peering locked). Returns
 * undefined once recorded; the earlier change when a request with the same key got there first (a retry racing
 * itself: the loser answers with the winner's change, never a second PATCH). Throws
 * {@link ChangeInFlightError} while another change for the peering may still be sent or followed.
 */
export async function recordChange(
  change: ChangeRecord,
  input: ChangeSubmission,
  deps: ChangeDeps,
): Promise<ChangeRecord | undefined> {
  const nowSeconds = Math.floor(deps.now() / 1000);
  const idempotency =
    input.idempotencyKey === undefined ? undefined : idempotencyEntry(input, change.id, nowSeconds);
  let replacing: string | undefined;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const outcome = await deps.store.createChange(change, {
      nowSeconds,
      ...(idempotency ? { idempotency } : {}),
      ...(replacing ? { replacingLockOf: replacing } : {}),
    });
    if (outcome.created) return undefined;
    if (outcome.keyUsedBy) return changeOfKey(input, outcome.keyUsedBy, deps);
    if (outcome.lockedBy) {
      if (!(await isStale(outcome.lockedBy, deps))) throw new ChangeInFlightError(outcome.lockedBy.changeId);
      replacing = outcome.lockedBy.changeId;
    }
  }
  throw new ChangeStoreError("The peering's lock kept changing hands; gave up recording the change.");
}

/**
 * Whether a lock may be taken over: its change ended and no PATCH of it can still land (a PATCH in flight
 * keeps the peering locked until its outcome is known or its lease expired), or its change was never stored.
 */
async function isStale(holder: PeerLockHolder, deps: ChangeDeps): Promise<boolean> {
  const change = await deps.store.get(holder.changeId);
  const now = deps.now();
  if (!change) return now - holder.since > ORPHAN_LOCK_MS;
  return isTerminal(change.state) && !isLeased(change, now);
}
