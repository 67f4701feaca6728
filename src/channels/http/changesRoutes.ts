import { validateListQuery } from "../../domain/change/listQuery.js";
import { toView } from "../../domain/change/view.js";
import { cancelChange, getChange, listChanges } from "../../usecases/manageChanges.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/** `GET /v1/peering-changes/{id}`: state, Atlas status, history, and what a person must do next. */
export async function getChangeRoute(
  id: string,
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  return json(200, toView(await getChange(id, context.auth.caller, deps)));
}

/**
 * `GET /v1/peering-changes?groupId=&peerId=&state=&limit=&cursor=`: newest first, with a cursor sealed to the
 * caller and the filters; 403 for a project (or peer) the caller is not granted.
 */
export async function listChangesRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const [query] = allValid(validateListQuery(context.request.query));
  const page = await listChanges(query, context.auth.caller, deps);
  return json(200, { items: page.items.map(toView), ...(page.cursor ? { cursor: page.cursor } : {}) });
}

/** `DELETE /v1/peering-changes/{id}`: stop following the change (CANCELLED); Atlas is not touched. */
export async function cancelChangeRoute(
  id: string,
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  return json(200, toView(await cancelChange(id, context.auth.caller, deps)));
}
