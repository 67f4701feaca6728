import { TokenEndpointError } from "../../ports/AtlasPeeringApi.js";
import { type HttpResponse, TransportError } from "../../ports/HttpTransport.js";
import { isRetryableStatus } from "./retry.js";

/** What one attempt of the Atlas client came to, and whether it is worth repeating. */

/**
 * Attempt outcome: Atlas answered, or no answer came: the network failed, or a service account got no token
 * for a reason that may pass (token endpoint rate limited or down), which is retried like a network failure.
 */
export type Outcome = { answer: HttpResponse } | { failure: TransportError | TokenEndpointError };

/**
 * Network failures before the request could reach Atlas: nothing was sent, so sending again is safe for any
 * method. Every other failure (a reset or a timeout after the request was written) may have reached Atlas.
 */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** Statuses by which Atlas says it did not act on the request (rate limited, or not serving): docs/atlas-api.md §2.5. */
const NOT_ACTED_STATUSES = new Set([429, 503]);

/**
 * Whether an attempt is worth repeating here. A GET always, on a retryable failure or status. A PATCH only
 * when Atlas cannot have acted on it: the connection was never made, the token endpoint gave no token (the
 * PATCH was not sent), or Atlas answered 429/503. After a timeout, a reset, a 500, 502 or 504 the PATCH may
 * have landed: it is not sent again blindly, the change records the doubt and its re-check reads the peer
 * before deciding (one effective PATCH per change).
 */
export function mayRetry(method: string, outcome: Outcome, status: number | undefined): boolean {
  if ("failure" in outcome) {
    if (!outcome.failure.retryable) return false;
    return method === "GET" || !sentUnanswered(outcome.failure);
  }
  if (!isRetryableStatus(status ?? 0)) return false;
  return method === "GET" || NOT_ACTED_STATUSES.has(status ?? 0);
}

/** Whether a failed attempt may have reached Atlas without an answer coming back. */
export function sentUnanswered(failure: TransportError | TokenEndpointError): boolean {
  return failure instanceof TransportError && !NOT_SENT_CODES.has(failure.networkCode);
}

/** The token endpoint's Retry-After, so the client never retries it sooner than asked; 0 otherwise. */
export function tokenRetryAfterMs(failure: TransportError | TokenEndpointError): number {
  return failure instanceof TokenEndpointError ? (failure.retryAfterMs ?? 0) : 0;
}

/** The network error code, or the token endpoint's error code. */
export function failureCode(failure: TransportError | TokenEndpointError): string {
  return failure instanceof TokenEndpointError ? failure.errorCode : failure.networkCode;
}
