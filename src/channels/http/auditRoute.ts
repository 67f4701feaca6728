import { ForbiddenError } from "../../access/errors.js";
import { mayChange } from "../../access/policy.js";
import { validateAuditQuery } from "../../domain/change/auditQuery.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * `GET /v1/audit?groupId=&since=`: the project's audit trail, newest first, for callers allowed on that
 * project. A caller granted only some peers sees the records of those peers (and none of the project-wide
 * records without a peer).
 */
export async function auditRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const [query] = allValid(validateAuditQuery(context.request.query, deps.now()));
  const caller = context.auth.caller;
  const grants = caller.projects.filter((g) => g.groupId === "*" || g.groupId === query.groupId);
  if (grants.length === 0)
    throw new ForbiddenError(`Caller ${caller.id} may not read project ${query.groupId}.`);
  const page = await deps.audit.list(query);
  const wholeProject = grants.some((g) => !g.peerIds);
  const items = wholeProject
    ? page.items
    : page.items.filter((r) => r.peerId && mayChange(caller, query.groupId, r.peerId));
  return json(200, {
    items: items.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
}
