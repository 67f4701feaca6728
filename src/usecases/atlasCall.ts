import { type AtlasVerdict, atlasVerdict } from "../domain/atlasEnvelope.js";
import type { AtlasOutcome } from "../domain/change/lifecycle.js";
import type { AtlasRequest } from "../domain/change/operations.js";
import { peerObject, readPeerStatus } from "../domain/peering/status.js";
import { retryAfterMs } from "../domain/retryAfter.js";
import type { AtlasCredentialSource, AtlasCredentials } from "../ports/AtlasCredentialSource.js";
import { AtlasCredentialsError, AtlasCredentialsRefusedError } from "../ports/AtlasCredentialSource.js";
import type { AtlasAnswer, AtlasPeeringApi, PeerCall } from "../ports/AtlasPeeringApi.js";
import { AtlasUnavailableError, atlasErrorBodyOf, TokenEndpointError } from "../ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../ports/AtlasRateBudget.js";
import type { ChangeMetrics } from "../ports/ChangeMetrics.js";
import { TransportError } from "../ports/HttpTransport.js";

export interface AtlasCallDeps {
  credentials: AtlasCredentialSource;
  atlas: AtlasPeeringApi;
  now: () => number;
  metrics?: ChangeMetrics;
}

/** Atlas's raw answer (when there was one the caller may see) and what it means for the change. */
export interface AtlasCallResult {
  answer?: AtlasAnswer;
  outcome: AtlasOutcome;
  /** The failure behind an `unavailable` outcome without an answer (keys missing or refused, network down). */
  error?: Error;
  /**
   * A PATCH Atlas may have acted on without a usable answer (docs/atlas-api.md §2.5): its effect is unknown until
   * the peer is read. `timed-out`: no answer in time, so Atlas may still be working on it and it may land later;
   * `connection-lost`: the connection died under it (a reset) or Atlas answered 500/502/504.
   */
  effectUnknown?: "timed-out" | "connection-lost";
}

/** Network codes of a request that ran out of time rather than losing its connection. */
const TIMED_OUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ABORTED", "TIMEOUT"]);

/** How a PATCH that failed without an answer may have ended (undefined: it cannot have reached Atlas). */
function unknownEffect(request: AtlasRequest, error: unknown): AtlasCallResult["effectUnknown"] {
  if (request.method !== "PATCH" || !(error instanceof AtlasUnavailableError) || !error.mayHaveArrived)
    return undefined;
  const code = error.cause instanceof TransportError ? error.cause.networkCode : "";
  return TIMED_OUT_CODES.has(code) ? "timed-out" : "connection-lost";
}

/** Statuses after which a PATCH may have been applied although Atlas reported a failure. */
const UNCERTAIN_STATUSES = new Set([500, 502, 504]);

/**
 * The 403s that refuse the gateway's key itself, not the change: its IP access list (docs/atlas-api.md §2.2,
 * under Atlas's legacy names and the current ones). Any other 403 is the project forbidding something.
 */
const CREDENTIAL_403_CODES = new Set([
  "IP_ADDRESS_NOT_ON_WHITELIST",
  "ORG_REQUIRES_WHITELIST",
  "RESOURCE_REQUIRES_WHITELIST",
  "IP_ADDRESS_NOT_ON_ACCESS_LIST",
  "ORG_REQUIRES_ACCESS_LIST",
  "RESOURCE_REQUIRES_ACCESS_LIST",
]);

/** Whether Atlas refused the gateway's credentials (any 401, or an access-list 403) rather than the change. */
export function refusesCredentials(verdict: AtlasVerdict): boolean {
  if (verdict.status === 401) return true;
  const code = atlasErrorBodyOf(verdict.content)?.errorCode;
  return verdict.status === 403 && code !== undefined && CREDENTIAL_403_CODES.has(code);
}

/**
 * Sends the operation's request (a PATCH) or the GET with the project's keys. When Atlas refuses the keys
 * (401, access list) they may have been rotated: they are fetched once more, bypassing the cache, and the call
 * is made once more; still refused, the gateway's credentials are the problem (see
 * {@link AtlasCredentialsRefusedError}). Atlas's outcome is read from the envelope when `envelope=true` was
 * asked for. Failures to reach Atlas or to load the keys become an `unavailable` outcome, so the change is
 * tried again later instead of being lost; other errors propagate.
 */
export async function callAtlas(
  deps: AtlasCallDeps,
  call: PeerCall,
  request: AtlasRequest,
  deadline: number,
): Promise<AtlasCallResult> {
  const enveloped = call.query.envelope === true;
  try {
    const { answer, keys } = await sendWithFreshKeys(deps, call, request, deadline);
    const verdict = atlasVerdict(answer, enveloped);
    if (refusesCredentials(verdict)) return credentialsRefused(deps, call, request, answer, verdict, keys);
    const outcome = outcomeOf(answer, deps.now(), enveloped);
    deps.metrics?.atlasCall({
      operation: request.method,
      status: verdict.status,
      latencyMs: answer.latencyMs,
      attempts: answer.attempts,
      ...(outcome.kind !== "peer" && outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
    });
    const uncertain = request.method === "PATCH" && UNCERTAIN_STATUSES.has(verdict.status);
    return { answer, outcome, ...(uncertain ? { effectUnknown: "connection-lost" as const } : {}) };
  } catch (error) {
    if (error instanceof AtlasBudgetEmptyError) return budgetEmpty(deps, error);
    // Atlas unreachable, the keys unreadable, or the service account still refused after a fresh secret: the
    // change is kept and tried again later (an operator may be fixing the secret), not lost or failed.
    if (
      error instanceof AtlasUnavailableError ||
      error instanceof AtlasCredentialsError ||
      error instanceof TokenEndpointError
    ) {
      const attempts = error instanceof AtlasUnavailableError ? error.attempts : 0;
      deps.metrics?.atlasCall({ operation: request.method, latencyMs: 0, attempts });
      const effect = unknownEffect(request, error);
      return {
        outcome: { kind: "unavailable", detail: error.message },
        error,
        ...(effect ? { effectUnknown: effect } : {}),
      };
    }
    throw error;
  }
}

/** The `errorCode` of a call the shared Atlas rate budget kept back (it never reached Atlas). */
export const ATLAS_BUDGET_EMPTY = "ATLAS_BUDGET_EMPTY";

/**
 * The shared budget had no token: nothing was sent, so no Atlas call is counted (no metric, no PATCH sent);
 * the change waits until the token is due (see `applyOutcome`).
 */
function budgetEmpty(deps: AtlasCallDeps, error: AtlasBudgetEmptyError): AtlasCallResult {
  const outcome: AtlasOutcome = {
    kind: "unavailable",
    errorCode: ATLAS_BUDGET_EMPTY,
    detail: error.message,
    retryAfterMs: Math.max(0, error.retryAtMs - deps.now()),
    notSent: true,
  };
  return { outcome, error };
}

/** Sends once with the cached keys and, when Atlas refuses them, once more with keys read afresh. */
async function sendWithFreshKeys(
  deps: AtlasCallDeps,
  call: PeerCall,
  request: AtlasRequest,
  deadline: number,
) {
  const send = async (refresh: boolean) => {
    const keys = await deps.credentials.credentialsFor(call.groupId, { refresh });
    const answer = await (request.method === "GET"
      ? deps.atlas.getPeer(keys, call, { deadline })
      : deps.atlas.updatePeer(keys, call, request.body, { deadline }));
    return { answer, keys };
  };
  // The token endpoint refusing the service account: the secret may have been rotated too.
  const first = await send(false).catch((error: unknown) => {
    if (error instanceof TokenEndpointError && !error.retryable) return send(true);
    throw error;
  });
  return refusesCredentials(atlasVerdict(first.answer, call.query.envelope === true)) ? send(true) : first;
}

/**
 * Still refused after a fresh read: an outage of the gateway's own credentials, counted for the alarm. Atlas's
 * 401/403 is not handed back as an answer (the caller would take it for its own token's), the error is.
 */
function credentialsRefused(
  deps: AtlasCallDeps,
  call: PeerCall,
  request: AtlasRequest,
  answer: AtlasAnswer,
  verdict: AtlasVerdict,
  keys: AtlasCredentials,
): AtlasCallResult {
  const errorCode = atlasErrorBodyOf(verdict.content)?.errorCode;
  const error = new AtlasCredentialsRefusedError(call.groupId, verdict.status, errorCode, keys.secretId);
  deps.metrics?.atlasCall({
    operation: request.method,
    status: verdict.status,
    latencyMs: answer.latencyMs,
    attempts: answer.attempts,
    credentialsRefused: true,
    ...(errorCode ? { errorCode } : {}),
  });
  const outcome: AtlasOutcome = {
    kind: "unavailable",
    httpStatus: verdict.status,
    ...(errorCode ? { errorCode } : {}),
    detail: error.message,
  };
  return { outcome, error };
}

/**
 * What an Atlas answer means: the peer (2xx, with its status and its settings), a refusal (4xx but 429), or an
 * outage (429/5xx), by the status Atlas meant: the envelope's when the request asked for `envelope=true`.
 */
export function outcomeOf(answer: AtlasAnswer, now: number, enveloped = false): AtlasOutcome {
  const { status, content } = atlasVerdict(answer, enveloped);
  if (status < 300) {
    // The peer's settings too, so that a settled change can be checked against what it asked.
    const settings = peerObject(content);
    return {
      kind: "peer",
      httpStatus: status,
      peer: readPeerStatus(content),
      ...(settings ? { settings } : {}),
    };
  }
  const error = atlasErrorBodyOf(content);
  const details = {
    httpStatus: status,
    ...(error?.errorCode ? { errorCode: error.errorCode } : {}),
    ...(error?.detail ? { detail: error.detail } : {}),
  };
  if (status === 429 || status >= 500) {
    const wait = retryAfterMs(answer.headers["retry-after"], now);
    return { kind: "unavailable", ...details, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  return { kind: "refused", ...details };
}
