import type { ServerResponse } from "node:http";
import { handleContainerRoute, parseContainerRoute } from "./containerRoutes.js";
import type { ContainerStore } from "./containers.js";
import type { DigestOutcome, DigestVerifier } from "./digestVerifier.js";
import { AtlasHttpError, atlasError, fail, UNAUTHORIZED_BODY } from "./errors.js";
import type { FaultEffects, FaultQueue, RefusalCode, StatusFaultSpec } from "./faults.js";
import { isLoadBalancerFault, sendLoadBalancerError } from "./loadBalancer.js";
import { sendTokenAnswer, TOKEN_PATH, TOKEN_RATE_LIMIT, type TokenIssuer } from "./oauth.js";
import { handlePeerRoute, parsePeerRoute } from "./peerRoutes.js";
import type { PeerStore } from "./peers.js";
import { RATE_LIMIT, type RateLimits, rateScope } from "./rateLimit.js";
import { handleRateLimits, isRateLimitsPath } from "./rateLimitRoutes.js";
import type { RecordedRequest } from "./recorder.js";
import { formatFromQuery, headerValue, JSON_TYPE, type SimRequest, sendAtlas, sendJson } from "./respond.js";

/**
 * The Atlas API surface: authentication first (digest or a service account's bearer token; like Atlas, nothing
 * is answered to an anonymous caller but the challenge), then the fault rules, then the resource routes. The
 * OAuth token endpoint is answered on its own terms (faults first, then the client's Basic credentials).
 */

/** What the Atlas API handler needs from the simulator. */
export interface AtlasApiDeps {
  store: PeerStore;
  containers: ContainerStore;
  verifier: DigestVerifier;
  /** Issues and checks service-account bearer tokens. */
  tokens: TokenIssuer;
  faults: FaultQueue;
  /** Atlas's token buckets (enforced with `ATLAS_SIM_RATE_LIMIT`), or the advisory headers. */
  rateLimit: RateLimits;
  /** Waits `ms` for a latency fault; the server cancels pending waits when it closes. */
  delay: (ms: number) => Promise<void>;
}

/** Retry-After a 429 carries when the fault does not say (Atlas always sends one with 429). */
const DEFAULT_RETRY_AFTER_SECONDS = 10;

/** Atlas's challenge content type, as its legacy docs show it. */
const CHALLENGE_TYPE = "application/json;charset=ISO-8859-1";

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "Retry-After": String(seconds) };
}

/**
 * A refusal fault's error, its `%s` filled as Atlas would: the peer and project from the path, the caller's
 * address for an access-list refusal. A 400 has no field to blame, so it names the fault itself.
 */
function refusalError(code: RefusalCode, path: string, clientAddress: string): AtlasHttpError {
  const route = parsePeerRoute(path);
  if (code === "PEER_NOT_FOUND")
    return new AtlasHttpError(atlasError(code, route?.peerId ?? "", route?.groupId ?? ""));
  if (code === "IP_ADDRESS_NOT_ON_ACCESS_LIST" || code === "IP_ADDRESS_NOT_ON_WHITELIST") {
    return new AtlasHttpError(atlasError(code, clientAddress));
  }
  return new AtlasHttpError(atlasError(code, code === "INVALID_ATTRIBUTE" ? "(injected fault)" : ""));
}

/** The Atlas error a status fault answers with (502/504 are the load balancer's: see loadBalancer.ts). */
export function faultError(spec: StatusFaultSpec, path: string, clientAddress = "127.0.0.1"): AtlasHttpError {
  if (isLoadBalancerFault(spec)) throw new Error(`a ${spec.status} fault is answered by the load balancer`);
  if (spec.status === 400 || spec.status === 403 || spec.status === 404) {
    return refusalError(spec.errorCode as RefusalCode, path, clientAddress);
  }
  if (spec.status === 500)
    return new AtlasHttpError(atlasError("UNEXPECTED_ERROR"), retryAfter(spec.retryAfterSeconds));
  if (spec.status === 503) {
    return new AtlasHttpError(atlasError("SERVICE_UNAVAILABLE"), retryAfter(spec.retryAfterSeconds));
  }
  const seconds = spec.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  // The token endpoint's own 429 names the path with its slash and a limit of 10 (docs/atlas-api.md §2.3).
  const resource = path === TOKEN_PATH ? path : path.replace(/^\//, "");
  const limit = path === TOKEN_PATH ? TOKEN_RATE_LIMIT : RATE_LIMIT;
  const code =
    spec.errorCode ?? (path.startsWith("/api/atlas/v2/") ? "RATE_LIMITED_TOKEN_BUCKET" : "RATE_LIMITED");
  const body =
    code === "RATE_LIMITED"
      ? atlasError(code, resource, limit, 1)
      : atlasError(code, resource, seconds, limit, limit, 60);
  return new AtlasHttpError(body, { ...retryAfter(seconds), "RateLimit-Remaining": "0" });
}

function sendChallenge(res: ServerResponse, challenge: string, headers: Record<string, string>): void {
  sendJson(res, 401, UNAUTHORIZED_BODY, {
    contentType: CHALLENGE_TYPE,
    pretty: false,
    headers: { ...headers, "WWW-Authenticate": challenge },
  });
}

function route(deps: AtlasApiDeps, req: SimRequest, fault: StatusFaultSpec | undefined, client?: string) {
  if (fault !== undefined) throw faultError(fault, req.path, client);
  const peerRoute = parsePeerRoute(req.path);
  if (peerRoute !== undefined) return handlePeerRoute(deps.store, req, peerRoute);
  const containerRoute = parseContainerRoute(req.path);
  if (containerRoute === undefined) return fail("RESOURCE_NOT_FOUND", req.path);
  return handleContainerRoute({ peers: deps.store, containers: deps.containers }, req, containerRoute);
}

/** A service account's bearer token, or digest; anything else gets the digest challenge, as on Atlas. */
function authenticate(deps: AtlasApiDeps, req: SimRequest): DigestOutcome {
  const authorization = headerValue(req.headers, "authorization");
  if (authorization !== undefined && /^\s*Bearer\s/i.test(authorization)) {
    if (deps.tokens.verifyBearer(authorization)) return { ok: true };
    return { ok: false, stale: false, reason: "unknown or expired token" };
  }
  return deps.verifier.verify(req.method, req.url, authorization);
}

/** Waits out a latency fault; true when a reset fault dropped the connection (nothing more to send). */
async function delayOrDrop(deps: AtlasApiDeps, effects: FaultEffects, res: ServerResponse): Promise<boolean> {
  if (effects.latencyMs > 0) await deps.delay(effects.latencyMs);
  if (effects.outcome?.kind !== "reset") return false;
  // No answer at all: the client sees the connection close mid-request (ECONNRESET / "socket hang up").
  res.socket?.destroy();
  return true;
}

/**
 * `POST /api/oauth/token`. Faults come before the client is identified, as a rate limit does; only rules that
 * name a path apply here (see {@link FaultQueue.take}). `record` is marked authenticated when a token is issued.
 */
async function handleTokenEndpoint(
  deps: AtlasApiDeps,
  req: SimRequest,
  res: ServerResponse,
  record: RecordedRequest,
): Promise<void> {
  const effects = deps.faults.take(req.method, req.path, { namedOnly: true });
  if (await delayOrDrop(deps, effects, res)) return;
  if (effects.outcome?.kind === "status" && isLoadBalancerFault(effects.outcome.spec)) {
    sendLoadBalancerError(res, effects.outcome.spec.status);
    return;
  }
  if (effects.outcome?.kind === "status") {
    const error = faultError(effects.outcome.spec, req.path);
    sendJson(res, error.body.error, error.body, {
      contentType: JSON_TYPE,
      pretty: false,
      headers: error.headers,
    });
    return;
  }
  const answer = deps.tokens.issue({
    method: req.method,
    contentType: headerValue(req.headers, "content-type"),
    authorization: headerValue(req.headers, "authorization"),
    body: req.body,
  });
  record.authenticated = answer.status === 200;
  sendTokenAnswer(res, answer);
}

/** Answers one request under `/api/`; `record` is the log entry to mark authenticated. */
export async function handleAtlasApi(
  deps: AtlasApiDeps,
  req: SimRequest,
  res: ServerResponse,
  record: RecordedRequest,
): Promise<void> {
  if (req.path === TOKEN_PATH) return handleTokenEndpoint(deps, req, res, record);
  const scope = rateScope(req.path);
  const auth = authenticate(deps, req);
  if (!auth.ok) {
    // A caller not yet identified is charged nothing: the buckets belong to projects and callers.
    sendChallenge(res, deps.verifier.challenge(auth.stale), deps.rateLimit.peek(scope));
    return;
  }
  record.authenticated = true;
  const format = formatFromQuery(req.query);
  if (isRateLimitsPath(req.path)) return answerRateLimits(deps, req, res, format);
  const taken = deps.rateLimit.take(scope, req.path);
  if ("refused" in taken) {
    const { body, headers } = taken.refused;
    sendAtlas(res, body.error, body, format, JSON_TYPE, headers);
    return;
  }
  const { headers } = taken;
  const effects = deps.faults.take(req.method, req.path);
  if (await delayOrDrop(deps, effects, res)) return;
  const statusFault = effects.outcome?.kind === "status" ? effects.outcome.spec : undefined;
  if (isLoadBalancerFault(statusFault)) {
    // The balancer answers in Atlas's place: no RateLimit headers, no envelope, just its page.
    sendLoadBalancerError(res, statusFault.status);
    return;
  }
  try {
    const answer = route(deps, req, statusFault, res.socket?.remoteAddress);
    sendAtlas(res, answer.status, answer.body, format, answer.contentType, headers);
  } catch (error) {
    if (!(error instanceof AtlasHttpError)) throw error;
    sendAtlas(res, error.body.error, error.body, format, JSON_TYPE, { ...headers, ...error.headers });
  }
}

/**
 * `GET /api/atlas/v2/rateLimits`, outside the peering buckets. Only a fault that names its path applies, so a
 * fault meant for "the next GET" is not spent on a client sizing its budget.
 */
async function answerRateLimits(
  deps: AtlasApiDeps,
  req: SimRequest,
  res: ServerResponse,
  format: ReturnType<typeof formatFromQuery>,
): Promise<void> {
  const effects = deps.faults.take(req.method, req.path, { namedOnly: true });
  if (await delayOrDrop(deps, effects, res)) return;
  const statusFault = effects.outcome?.kind === "status" ? effects.outcome.spec : undefined;
  if (isLoadBalancerFault(statusFault)) {
    sendLoadBalancerError(res, statusFault.status);
    return;
  }
  try {
    if (statusFault !== undefined) throw faultError(statusFault, req.path, res.socket?.remoteAddress);
    const answer = handleRateLimits(deps.rateLimit, req);
    sendAtlas(res, answer.status, answer.body, format, answer.contentType, {});
  } catch (error) {
    if (!(error instanceof AtlasHttpError)) throw error;
    sendAtlas(res, error.body.error, error.body, format, JSON_TYPE, error.headers);
  }
}
