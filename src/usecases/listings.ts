import type { Caller } from "../access/callers.js";
import { authorizeProjectRead, scopeIncludes } from "../access/policy.js";
import type { AuditQuery } from "../domain/change/auditQuery.js";
import type { AuditPage } from "../ports/AuditLog.js";
import type { CursorScope, CursorSealer } from "../ports/CursorSealer.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/**
 * The one place cursors cross the boundary: the cursor a caller sent is opened into the store's raw position
 * before the store is asked, and the store's next position is sealed before the caller sees it. Stores keep
 * speaking positions; callers only ever hold sealed cursors bound to themselves and their query.
 */
export async function sealedPage<P extends { cursor?: string }>(
  cursor: string | undefined,
  scope: CursorScope,
  cursors: CursorSealer,
  read: (position: string | undefined) => Promise<P>,
): Promise<P> {
  const position = cursor === undefined ? undefined : await cursors.open(cursor, scope);
  const page = await read(position);
  if (page.cursor === undefined) return page;
  return { ...page, cursor: await cursors.seal(page.cursor, scope) };
}

/**
 * A project's audit trail, newest first. A caller with no grant for the project gets 403 before the store is
 * asked; one granted only some peers sees those peers' records (none of the project-wide ones). `sinceAsked` is
 * the `since` parameter as sent (absent: the 30-day default), which is what a cursor is bound to: the default
 * moves with the clock, and its next page is still the same query.
 */
export async function listAudit(
  query: AuditQuery,
  sinceAsked: string | undefined,
  caller: Caller,
  deps: Pick<ChangeDeps, "audit" | "cursors">,
): Promise<AuditPage> {
  const scope = authorizeProjectRead(caller, query.groupId);
  const bound = {
    listing: "audit",
    callerId: caller.id,
    query: { groupId: query.groupId, since: sinceAsked },
  };
  const page = await sealedPage(query.cursor, bound, deps.cursors, (position) => {
    const { cursor: _sent, ...rest } = query;
    return deps.audit.list(position === undefined ? rest : { ...rest, cursor: position });
  });
  return { ...page, items: page.items.filter((record) => scopeIncludes(scope, record.peerId)) };
}
