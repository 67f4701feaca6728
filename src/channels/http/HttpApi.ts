import { type Authenticated, authenticate } from "../../access/authenticate.js";
import { AuthenticationError } from "../../access/errors.js";
import { answerWithProblems } from "../common/answered.js";
import type { GatewayRequest } from "../common/request.js";
import type { HttpResult } from "../common/response.js";
import { listAtlasPeers, readAtlasPeer } from "./atlasPeerReadRoute.js";
import { forwardAtlasPeerPatch } from "./atlasPeerRoute.js";
import { auditRoute } from "./auditRoute.js";
import { cancelChangeRoute, getChangeRoute, listChangesRoute } from "./changesRoutes.js";
import type { HttpApiDeps, RouteContext } from "./context.js";
import { openApiDocument } from "./openApiRoute.js";
import { listPeeringsRoute } from "./peeringsRoute.js";
import { isOpenApiDocumentRequest, matchRoute, type Route } from "./routes.js";
import { submitChangeRoute } from "./submitChangeRoute.js";

/**
 * Serves one request of the HTTP API: authenticates the caller before anything else, then routes. Failures are
 * answered as problems by {@link answerWithProblems}. The one exception is the OpenAPI document, which anyone
 * may read: it holds no secret and says nothing a caller could not learn from the docs.
 */
export function handleHttpRequest(
  request: GatewayRequest,
  deps: HttpApiDeps,
  deadline: number,
): Promise<HttpResult> {
  return answerWithProblems(request, deps, "http", async (noteCaller) => {
    if (isOpenApiDocumentRequest(request.method, request.rawPath)) return openApiDocument(request);
    const auth = await authenticateOnce(request, deps);
    noteCaller(auth.caller.id);
    return serve(matchRoute(request.method, request.rawPath), { request, auth, deadline }, deps);
  });
}

/**
 * Authenticates the caller; a signed request is accepted once only: the request it signs (caller, timestamp,
 * method, path with query, body hash; not the signature header, whose subsets would otherwise replay) is
 * remembered until its timestamp leaves the accepted window, and a replay is refused like a bad signature.
 */
async function authenticateOnce(request: GatewayRequest, deps: HttpApiDeps): Promise<Authenticated> {
  const nowSeconds = Math.floor(deps.now() / 1000);
  const tolerance = deps.limits.signatureToleranceSeconds;
  const auth = authenticate(request, await deps.callers.registry(), {
    nowSeconds,
    toleranceSeconds: tolerance,
  });
  if (auth.signed !== undefined) {
    const { replayKey, timestampSeconds } = auth.signed;
    if (!(await deps.replay.firstSeen(replayKey, timestampSeconds + tolerance, nowSeconds))) {
      throw new AuthenticationError("This signed request was already used; sign each request anew.");
    }
  }
  return auth;
}

function serve(route: Route, context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  switch (route.kind) {
    case "atlas-peer":
      return forwardAtlasPeerPatch(route, context, deps);
    case "atlas-peer-read":
      return readAtlasPeer(route, context, deps);
    case "atlas-peer-list":
      return listAtlasPeers(route, context, deps);
    case "submit-change":
      return submitChangeRoute(context, deps);
    case "list-changes":
      return listChangesRoute(context, deps);
    case "get-change":
      return getChangeRoute(route.id, context, deps);
    case "cancel-change":
      return cancelChangeRoute(route.id, context, deps);
    case "audit":
      return auditRoute(context, deps);
    case "list-peerings":
      return listPeeringsRoute(context, deps);
    case "openapi":
      return Promise.resolve(openApiDocument(context.request));
  }
}
