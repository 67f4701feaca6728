import { isTerminal } from "../domain/peering/status.js";
import type { PeerCall } from "../ports/AtlasPeeringApi.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import { ChangeInFlightError } from "./errors.js";

/** A lock whose change record never appeared (the writer died in between) is taken over after this. */
const ORPHAN_LOCK_MS = 60_000;

/** One change per peering: take the lock, or take over one left by an ended or never-recorded change. */
export async function takePeerLock(call: PeerCall, id: string, deps: ChangeDeps): Promise<void> {
  const now = deps.now();
  const lock = await deps.store.acquirePeerLock(call.groupId, call.peerId, id, now);
  if (lock.acquired || lock.holder.changeId === id) return;
  const holder = await deps.store.get(lock.holder.changeId);
  const stale = holder ? isTerminal(holder.state) : now - lock.holder.since > ORPHAN_LOCK_MS;
  if (stale && (await deps.store.replacePeerLock(call.groupId, call.peerId, lock.holder.changeId, id, now)))
    return;
  throw new ChangeInFlightError(lock.holder.changeId);
}

/** Gives the lock back (a refused change never started). Failures only delay the next change's takeover. */
export async function releasePeerLock(call: PeerCall, id: string, deps: ChangeDeps): Promise<void> {
  await deps.store.releasePeerLock(call.groupId, call.peerId, id).catch((error: unknown) => {
    deps.logger.warn("could not release the peering lock", { changeId: id, error: error as Error });
  });
}
