import { validateAuditQuery } from "../../domain/change/auditQuery.js";
import { listAudit } from "../../usecases/listings.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * `GET /v1/audit?groupId=&since=`: the project's audit trail, newest first, for callers allowed on that
 * project (read-only grants included); 403 for any other. A caller granted only some peers sees the records of
 * those peers (and none of the project-wide records without a peer). The cursor is sealed to the caller, the
 * project and `since` as sent.
 */
export async function auditRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const [query] = allValid(validateAuditQuery(context.request.query, deps.now()));
  const page = await listAudit(query, context.request.query.since, context.auth.caller, deps);
  return json(200, {
    items: page.items.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
}
