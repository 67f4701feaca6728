import { authorizeProjectRead, scopeIncludes } from "../../access/policy.js";
import { validateAuditQuery } from "../../domain/change/auditQuery.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * `GET /v1/audit?groupId=&since=`: the project's audit trail, newest first, for callers allowed on that
 * project (read-only grants included). A caller granted only some peers sees the records of those peers (and
 * none of the project-wide records without a peer).
 */
export async function auditRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const [query] = allValid(validateAuditQuery(context.request.query, deps.now()));
  const scope = authorizeProjectRead(context.auth.caller, query.groupId);
  const page = await deps.audit.list(query);
  const items = page.items.filter((r) => scopeIncludes(scope, r.peerId));
  return json(200, {
    items: items.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
}
