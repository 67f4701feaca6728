import { type Authenticated, authenticate } from "../auth/authenticate.js";
import type { Logger } from "../observability/logger.js";
import type { ChangeDeps } from "../usecases/ChangeDeps.js";
import { forwardAtlasPeerPatch } from "./atlasPeerRoute.js";
import { cancelChangeRoute, getChangeRoute, listChangesRoute } from "./changesRoutes.js";
import { toProblemResponse } from "./problem.js";
import type { GatewayRequest } from "./request.js";
import type { HttpResult } from "./response.js";
import { matchRoute, type Route } from "./routes.js";
import { submitChangeRoute } from "./submitChangeRoute.js";

/** Everything the HTTP entry needs; tests build it from fakes and local servers. */
export interface HttpApiDeps extends ChangeDeps {
  limits: { maxBodyBytes: number; signatureToleranceSeconds: number };
}

/** Per-request facts the routes share. */
export interface RouteContext {
  request: GatewayRequest;
  auth: Authenticated;
  deadline: number;
}

/**
 * Serves one HTTP request: authenticates the caller before anything else, routes, and turns every failure into
 * an RFC 9457 problem. Every answer carries `X-Request-Id`.
 */
export async function handleHttpRequest(
  request: GatewayRequest,
  deps: HttpApiDeps,
  deadline: number,
): Promise<HttpResult> {
  const problemContext = { requestId: request.requestId, instance: request.rawPath };
  deps.logger.appendKeys({ requestId: request.requestId, method: request.method, path: request.rawPath });
  let result: HttpResult;
  try {
    const auth = authenticate(request, await deps.callers.registry(), {
      nowSeconds: Math.floor(deps.now() / 1000),
      toleranceSeconds: deps.limits.signatureToleranceSeconds,
    });
    deps.logger.appendKeys({ caller: auth.caller.id });
    const route = matchRoute(request.method, request.rawPath);
    const context: RouteContext = { request, auth, deadline };
    result = await serve(route, context, deps);
  } catch (error) {
    result = toProblemResponse(error, problemContext);
    logFailure(deps.logger, error, result.statusCode);
  } finally {
    deps.logger.resetKeys();
  }
  result.headers["x-request-id"] = request.requestId;
  return result;
}

function serve(route: Route, context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  switch (route.kind) {
    case "atlas-peer":
      return forwardAtlasPeerPatch(route, context, deps);
    case "submit-change":
      return submitChangeRoute(context, deps);
    case "list-changes":
      return listChangesRoute(context, deps);
    case "get-change":
      return getChangeRoute(route.id, context, deps);
    case "cancel-change":
      return cancelChangeRoute(route.id, context, deps);
  }
}

function logFailure(logger: Logger, error: unknown, status: number): void {
  const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
  if (status >= 500) logger.error("request failed", { status, ...summary, error: error as Error });
  else logger.info("request refused", { status, ...summary });
}
