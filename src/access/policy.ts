import type { Caller, ProjectGrant } from "./callers.js";
import { ForbiddenError } from "./errors.js";

/**
 * The project policy. Every grant lets its caller read what it covers; only a grant whose `access` is not
 * `read` lets it change that too. Reads and changes are asked separately ({@link mayRead}, {@link mayChange}),
 * so no route can let a read-only grant through by asking the wrong question.
 */

/** Whether the grant is for project `groupId`. */
function isForProject(grant: ProjectGrant, groupId: string): boolean {
  return grant.groupId === "*" || grant.groupId === groupId;
}

/** Whether the grant covers peer `peerId` of project `groupId`. */
function covers(grant: ProjectGrant, groupId: string, peerId: string): boolean {
  return isForProject(grant, groupId) && (!grant.peerIds || grant.peerIds.includes(peerId));
}

/** Whether the grant allows changes (a grant without `access` predates read-only grants: it does). */
function allowsChange(grant: ProjectGrant): boolean {
  return grant.access !== "read";
}

/** Whether `caller` may read peer `peerId` of project `groupId` (the peer, its changes, its audit records). */
export function mayRead(caller: Caller, groupId: string, peerId: string): boolean {
  return caller.projects.some((grant) => covers(grant, groupId, peerId));
}

/** Whether `caller` may change peer `peerId` of project `groupId`: a grant that covers it and is not read-only. */
export function mayChange(caller: Caller, groupId: string, peerId: string): boolean {
  return caller.projects.some((grant) => covers(grant, groupId, peerId) && allowsChange(grant));
}

/**
 * Throws {@link ForbiddenError} (403) unless a change grant covers the peer. A caller that may only read it
 * is told which rule refused it, so an operator knows the grant to widen.
 */
export function authorizeChange(caller: Caller, groupId: string, peerId: string): void {
  if (mayChange(caller, groupId, peerId)) return;
  if (mayRead(caller, groupId, peerId)) {
    throw new ForbiddenError(
      `Caller ${caller.id} has read-only access to peer ${peerId} in project ${groupId} (its grant says ` +
        `access: "read"); changing it needs a grant with access "change".`,
    );
  }
  throw new ForbiddenError(`Caller ${caller.id} may not change peer ${peerId} in project ${groupId}.`);
}

/** Throws {@link ForbiddenError} (403) unless a grant of any access covers the peer. */
export function authorizeRead(caller: Caller, groupId: string, peerId: string): void {
  if (!mayRead(caller, groupId, peerId)) {
    throw new ForbiddenError(`Caller ${caller.id} may not read peer ${peerId} in project ${groupId}.`);
  }
}

/** What of a project a caller may read: all of it, or only some peers (and nothing project-wide). */
export type ReadScope = { wholeProject: true } | { wholeProject: false; peerIds: ReadonlySet<string> };

/**
 * The caller's read scope on project `groupId`; throws {@link ForbiddenError} (403) when no grant is for it.
 * One grant without `peerIds` opens the whole project; otherwise the listed peers of every grant add up.
 */
export function authorizeProjectRead(caller: Caller, groupId: string): ReadScope {
  const grants = caller.projects.filter((grant) => isForProject(grant, groupId));
  if (grants.length === 0) throw new ForbiddenError(`Caller ${caller.id} may not read project ${groupId}.`);
  if (grants.some((grant) => !grant.peerIds)) return { wholeProject: true };
  return { wholeProject: false, peerIds: new Set(grants.flatMap((grant) => grant.peerIds ?? [])) };
}

/** Whether a read scope includes peer `peerId` (a record without a peer is project-wide). */
export function scopeIncludes(scope: ReadScope, peerId: string | undefined): boolean {
  return scope.wholeProject || (peerId !== undefined && scope.peerIds.has(peerId));
}
