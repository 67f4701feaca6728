import type { Caller } from "./callers.js";
import { ForbiddenError } from "./errors.js";

/** Whether `caller` may change peer `peerId` of project `groupId`. */
export function mayChange(caller: Caller, groupId: string, peerId: string): boolean {
  return caller.projects.some(
    (grant) =>
      (grant.groupId === "*" || grant.groupId === groupId) &&
      (!grant.peerIds || grant.peerIds.includes(peerId)),
  );
}

/** Throws {@link ForbiddenError} (403) unless the caller's grants cover the peer. */
export function authorizeChange(caller: Caller, groupId: string, peerId: string): void {
  if (!mayChange(caller, groupId, peerId)) {
    throw new ForbiddenError(`Caller ${caller.id} may not change peer ${peerId} in project ${groupId}.`);
  }
}
