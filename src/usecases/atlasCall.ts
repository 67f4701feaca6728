import type { AtlasOutcome } from "../domain/change/lifecycle.js";
import type { AtlasRequest } from "../domain/change/operations.js";
import { parseJson } from "../domain/json.js";
import { readPeerStatus } from "../domain/peering/status.js";
import { retryAfterMs } from "../domain/retryAfter.js";
import type { AtlasCredentialSource } from "../ports/AtlasCredentialSource.js";
import { AtlasCredentialsError } from "../ports/AtlasCredentialSource.js";
import type { AtlasAnswer, AtlasPeeringApi, PeerCall } from "../ports/AtlasPeeringApi.js";
import { AtlasUnavailableError, parseAtlasErrorBody, TokenEndpointError } from "../ports/AtlasPeeringApi.js";
import type { ChangeMetrics } from "../ports/ChangeMetrics.js";

export interface AtlasCallDeps {
  credentials: AtlasCredentialSource;
  atlas: AtlasPeeringApi;
  now: () => number;
  metrics?: ChangeMetrics;
}

/** Atlas's raw answer (when there was one) and what it means for the change. */
export interface AtlasCallResult {
  answer?: AtlasAnswer;
  outcome: AtlasOutcome;
  /** The failure behind an `unavailable` outcome without an answer (keys missing, network down). */
  error?: Error;
}

/**
 * Sends the operation's request (a PATCH) or the GET with the project's keys. When Atlas answers 401 the keys may have
 * been rotated: they are fetched once more, bypassing the cache, and the call is made once more. Failures to
 * reach Atlas or to load the keys become an `unavailable` outcome, so the change is tried again later
 * instead of being lost; other errors propagate.
 */
export async function callAtlas(
  deps: AtlasCallDeps,
  call: PeerCall,
  request: AtlasRequest,
  deadline: number,
): Promise<AtlasCallResult> {
  try {
    const send = async (refresh: boolean) => {
      const keys = await deps.credentials.credentialsFor(call.groupId, { refresh });
      return request.method === "GET"
        ? deps.atlas.getPeer(keys, call, { deadline })
        : deps.atlas.updatePeer(keys, call, request.body, { deadline });
    };
    // A 401 from Atlas, or the token endpoint refusing the service account: the secret may have been rotated.
    let answer = await send(false).catch((error: unknown) => {
      if (error instanceof TokenEndpointError && !error.retryable) return send(true);
      throw error;
    });
    if (answer.status === 401) answer = await send(true);
    const outcome = outcomeOf(answer, deps.now());
    deps.metrics?.atlasCall({
      operation: request.method,
      status: answer.status,
      latencyMs: answer.latencyMs,
      attempts: answer.attempts,
      ...(outcome.kind !== "peer" && outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
    });
    return { answer, outcome };
  } catch (error) {
    // Atlas unreachable, the keys unreadable, or the service account still refused after a fresh secret: the
    // change is kept and tried again later (an operator may be fixing the secret), not lost or failed.
    if (
      error instanceof AtlasUnavailableError ||
      error instanceof AtlasCredentialsError ||
      error instanceof TokenEndpointError
    ) {
      const attempts = error instanceof AtlasUnavailableError ? error.attempts : 0;
      deps.metrics?.atlasCall({ operation: request.method, latencyMs: 0, attempts });
      return { outcome: { kind: "unavailable", detail: error.message }, error };
    }
    throw error;
  }
}

/** What an Atlas answer means: the peer (2xx), a refusal (4xx but 429), or an outage (429/5xx). */
export function outcomeOf(answer: AtlasAnswer, now: number): AtlasOutcome {
  if (answer.status < 300)
    return {
      kind: "peer",
      httpStatus: answer.status,
      peer: readPeerStatus(parseJson(answer.body, undefined)),
    };
  const error = parseAtlasErrorBody(answer.body);
  const details = {
    httpStatus: answer.status,
    ...(error?.errorCode ? { errorCode: error.errorCode } : {}),
    ...(error?.detail ? { detail: error.detail } : {}),
  };
  if (answer.status === 429 || answer.status >= 500) {
    const wait = retryAfterMs(answer.headers["retry-after"], now);
    return { kind: "unavailable", ...details, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  return { kind: "refused", ...details };
}
