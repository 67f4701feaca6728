import { type Authenticated, authenticate } from "../auth/authenticate.js";
import type { Logger } from "../observability/logger.js";
import type { CallerDirectory } from "../ports/CallerDirectory.js";
import type { SubmitDeps } from "../usecases/submitPeeringChange.js";
import { forwardAtlasPeerPatch } from "./atlasPeerRoute.js";
import { toProblemResponse } from "./problem.js";
import type { GatewayRequest } from "./request.js";
import type { HttpResult } from "./response.js";
import { matchRoute } from "./routes.js";
import { submitChangeRoute } from "./submitChangeRoute.js";

/** Everything the HTTP entry needs; tests build it from fakes and local servers. */
export interface HttpApiDeps extends SubmitDeps {
  callers: CallerDirectory;
  logger: Logger;
  now: () => number;
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
    result =
      route.kind === "atlas-peer"
        ? await forwardAtlasPeerPatch(route, context, deps)
        : await submitChangeRoute(context, deps);
  } catch (error) {
    result = toProblemResponse(error, problemContext);
    logFailure(deps.logger, error, result.statusCode);
  } finally {
    deps.logger.resetKeys();
  }
  result.headers["x-request-id"] = request.requestId;
  return result;
}

function logFailure(logger: Logger, error: unknown, status: number): void {
  const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
  if (status >= 500) logger.error("request failed", { status, ...summary, error: error as Error });
  else logger.info("request refused", { status, ...summary });
}
