import { type Authenticated, authenticate } from "../auth/authenticate.js";
import type { Logger } from "../observability/logger.js";
import type { ReplayGuard } from "../ports/ReplayGuard.js";
import { isSlackCommand, slackCommandRoute } from "../slack/slackRoute.js";
import type { ChangeDeps } from "../usecases/ChangeDeps.js";
import { forwardAtlasPeerPatch } from "./atlasPeerRoute.js";
import { auditRoute } from "./auditRoute.js";
import { cancelChangeRoute, getChangeRoute, listChangesRoute } from "./changesRoutes.js";
import { AuthenticationError } from "./errors.js";
import { describeProblem, toProblemResponse } from "./problem.js";
import { auditRefusal } from "./refusalAudit.js";
import type { GatewayRequest } from "./request.js";
import type { HttpResult } from "./response.js";
import { matchRoute, type Route } from "./routes.js";
import { submitChangeRoute } from "./submitChangeRoute.js";

/** Everything the HTTP entry needs; tests build it from fakes and local servers. */
export interface HttpApiDeps extends ChangeDeps {
  limits: { maxBodyBytes: number; signatureToleranceSeconds: number };
  replay: ReplayGuard;
  slackSigningSecrets: () => Promise<string[]>;
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
  deps.logger.setCorrelationId(request.requestId);
  deps.logger.appendKeys({ requestId: request.requestId, method: request.method, path: request.rawPath });
  let result: HttpResult;
  let callerId: string | undefined;
  try {
    if (isSlackCommand(request)) {
      result = await slackCommandRoute(request, deps, deadline);
    } else {
      const auth = await authenticateOnce(request, deps);
      callerId = auth.caller.id;
      deps.logger.appendKeys({ caller: callerId });
      const route = matchRoute(request.method, request.rawPath);
      result = await serve(route, { request, auth, deadline }, deps);
    }
  } catch (error) {
    result = toProblemResponse(error, problemContext);
    logFailure(deps.logger, error, result.statusCode);
    const { slug, detail } = describeProblem(error);
    const channel = isSlackCommand(request) ? ("slack" as const) : ("http" as const);
    const refusal = { error, status: result.statusCode, reason: slug, detail, channel };
    await auditRefusalSafely(deps, request, callerId ? { ...refusal, callerId } : refusal);
  } finally {
    deps.logger.resetKeys();
  }
  result.headers["x-request-id"] = request.requestId;
  return result;
}

/**
 * Authenticates the caller; a signed request is accepted once only: its signature is remembered until its
 * timestamp leaves the accepted window, and a replay is refused like a bad signature.
 */
async function authenticateOnce(request: GatewayRequest, deps: HttpApiDeps): Promise<Authenticated> {
  const nowSeconds = Math.floor(deps.now() / 1000);
  const tolerance = deps.limits.signatureToleranceSeconds;
  const auth = authenticate(request, await deps.callers.registry(), {
    nowSeconds,
    toleranceSeconds: tolerance,
  });
  if (auth.signature !== undefined) {
    const timestamp = Number(request.headers["x-gateway-timestamp"]);
    if (!(await deps.replay.firstSeen(auth.signature, timestamp + tolerance, nowSeconds))) {
      throw new AuthenticationError("This signed request was already used; sign each request anew.");
    }
  }
  return auth;
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
    case "audit":
      return auditRoute(context, deps);
  }
}

/**
 * Audits a refusal without letting the audit decide the answer: the refusal is already decided, and an audit
 * adapter that fails to load (its lazy port rejects) or to write must not turn a 401/400/403 into an error
 * thrown out of the handler. The failure is logged as a warning, by name and message only (never the body or
 * the headers).
 */
async function auditRefusalSafely(
  deps: HttpApiDeps,
  request: GatewayRequest,
  refusal: Parameters<typeof auditRefusal>[2],
): Promise<void> {
  try {
    await auditRefusal(deps.audit, request, refusal, deps);
  } catch (error) {
    const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
    deps.logger.warn("refusal not audited", { status: refusal.status, reason: refusal.reason, ...summary });
  }
}

function logFailure(logger: Logger, error: unknown, status: number): void {
  const summary = error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {};
  if (status >= 500) logger.error("request failed", { status, ...summary, error: error as Error });
  else logger.info("request refused", { status, ...summary });
}
