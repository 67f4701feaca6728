import { createHash } from "node:crypto";
import { atlasVerdict } from "../../domain/atlasEnvelope.js";
import type { AtlasCredentials } from "../../ports/AtlasCredentialSource.js";
import type {
  AtlasAnswer,
  AtlasCallOptions,
  AtlasPeeringApi,
  ContainerCall,
  PeerCall,
  PeerListCall,
} from "../../ports/AtlasPeeringApi.js";
import { AtlasUnavailableError, TokenEndpointError } from "../../ports/AtlasPeeringApi.js";
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  TransportError,
} from "../../ports/HttpTransport.js";
import { type Authenticator, DigestAuthenticator } from "./digest/DigestAuthenticator.js";
import { ServiceAccountAuthenticator } from "./oauth/ServiceAccountAuthenticator.js";
import { isRetryableStatus, nextDelayMs, type RetryPolicy } from "./retry.js";

/** The only resource version Atlas has for peering endpoints (docs/atlas-api.md §1.2). */
export const ATLAS_V2_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";

export interface AtlasClientOptions {
  transport: HttpTransport;
  /** Used when the credentials do not name their own Atlas. */
  defaultBaseUrl: string;
  retry: RetryPolicy;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about each retry, for logs and metrics. */
  onRetry?: (event: { attempt: number; status?: number; errorCode?: string; delayMs: number }) => void;
}

/**
 * Attempt outcome: Atlas answered, or no answer came: the network failed, or a service account got no token
 * for a reason that may pass (token endpoint rate limited or down), which is retried like a network failure.
 */
type Outcome = { answer: HttpResponse } | { failure: TransportError | TokenEndpointError };

/**
 * The Atlas Administration API client for peering connections: API keys over HTTP Digest (per-nonce counters,
 * safe under concurrency) or service accounts with cached OAuth bearer tokens, both API generations, and
 * bounded retries of 429/5xx/network failures with full-jitter backoff that honours `Retry-After` and never
 * starts an attempt it could not finish before the deadline.
 */
export class AtlasClient implements AtlasPeeringApi {
  private readonly authenticators = new Map<string, Authenticator>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: AtlasClientOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  updatePeer(credentials: AtlasCredentials, call: PeerCall, body: string, options: AtlasCallOptions) {
    return this.send(credentials, this.request("PATCH", credentials, call, body), call, options);
  }

  getPeer(credentials: AtlasCredentials, call: PeerCall, options: AtlasCallOptions) {
    return this.send(credentials, this.request("GET", credentials, call), call, options);
  }

  listPeers(credentials: AtlasCredentials, call: PeerListCall, options: AtlasCallOptions) {
    return this.send(credentials, this.listRequest(credentials, call), call, options);
  }

  /** The peer's network container, read without `pretty`/`envelope` (the gateway reads it, nobody else). */
  getContainer(credentials: AtlasCredentials, call: ContainerCall, options: AtlasCallOptions) {
    const base = credentials.baseUrl ?? this.options.defaultBaseUrl;
    const url = `${base}/api/atlas/v2/groups/${call.groupId}/containers/${call.containerId}`;
    const headers = { accept: ATLAS_V2_MEDIA_TYPE, "user-agent": "atlas-peering-gateway" };
    return this.send(credentials, { method: "GET", url, headers }, { query: {} }, options);
  }

  /** The list's GET, with every query parameter the caller sent (already validated), as Atlas spells them. */
  private listRequest(credentials: AtlasCredentials, call: PeerListCall): HttpRequest {
    const base = credentials.baseUrl ?? this.options.defaultBaseUrl;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const query = params.size > 0 ? `?${params}` : "";
    const mediaType = call.apiVersion === "v2" ? ATLAS_V2_MEDIA_TYPE : "application/json";
    const url = `${base}/api/atlas/${call.apiVersion}/groups/${call.groupId}/peers${query}`;
    return { method: "GET", url, headers: { accept: mediaType, "user-agent": "atlas-peering-gateway" } };
  }

  private request(method: string, credentials: AtlasCredentials, call: PeerCall, body?: string): HttpRequest {
    const base = credentials.baseUrl ?? this.options.defaultBaseUrl;
    const path = `/api/atlas/${call.apiVersion}/groups/${call.groupId}/peers/${call.peerId}`;
    const params = new URLSearchParams();
    if (call.query.pretty !== undefined) params.set("pretty", String(call.query.pretty));
    if (call.query.envelope !== undefined) params.set("envelope", String(call.query.envelope));
    const query = params.size > 0 ? `?${params}` : "";
    const mediaType = call.apiVersion === "v2" ? ATLAS_V2_MEDIA_TYPE : "application/json";
    const headers: Record<string, string> = { accept: mediaType, "user-agent": "atlas-peering-gateway" };
    if (body !== undefined) headers["content-type"] = mediaType;
    return body === undefined
      ? { method, url: `${base}${path}${query}`, headers }
      : { method, url: `${base}${path}${query}`, headers, body };
  }

  private async send(
    credentials: AtlasCredentials,
    request: HttpRequest,
    call: { query: { envelope?: boolean } },
    options: AtlasCallOptions,
  ) {
    const started = this.now();
    const auth = this.authenticatorFor(credentials);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(auth, request, options.deadline);
      // With envelope=true every answer is HTTP 200: retry on the status Atlas put in the envelope.
      const status =
        "answer" in outcome ? atlasVerdict(outcome.answer, call.query.envelope === true).status : undefined;
      const retryable = mayRetry(request.method, outcome, status);
      const delayMs = retryable ? this.delayBefore(attempt + 1, outcome, options.deadline) : undefined;
      if (delayMs === undefined) return this.finish(outcome, attempt, started);
      this.options.onRetry?.({
        attempt,
        delayMs,
        ...(status === undefined ? {} : { status }),
        ...("failure" in outcome ? { errorCode: failureCode(outcome.failure) } : {}),
      });
      await this.sleep(delayMs);
    }
  }

  private async attempt(auth: Authenticator, request: HttpRequest, deadline: number): Promise<Outcome> {
    const signal = AbortSignal.timeout(Math.max(1, deadline - this.now()));
    try {
      return { answer: await auth.send(this.options.transport, { ...request, signal }, { deadline }) };
    } catch (error) {
      if (error instanceof TransportError) return { failure: error };
      // A refused service account is final: it surfaces as it is, there is no Atlas answer to give back.
      if (error instanceof TokenEndpointError && error.retryable) return { failure: error };
      throw error;
    }
  }

  /** The wait before attempt `next`, or undefined when there is no budget (attempts or time) left for it. */
  private delayBefore(next: number, outcome: Outcome, deadline: number): number | undefined {
    if (next > this.options.retry.maxAttempts) return undefined;
    const retryAfter = "answer" in outcome ? outcome.answer.headers["retry-after"] : undefined;
    const tokenWaitMs = "failure" in outcome ? tokenRetryAfterMs(outcome.failure) : 0;
    const backoff = nextDelayMs(next - 1, retryAfter, this.now(), this.options.retry, this.random);
    const delay = Math.max(backoff, tokenWaitMs);
    return this.now() + delay < deadline ? delay : undefined;
  }

  private finish(outcome: Outcome, attempts: number, started: number): AtlasAnswer {
    if ("failure" in outcome) {
      const { failure } = outcome;
      const what =
        failure instanceof TokenEndpointError
          ? "Atlas's token endpoint gave no token"
          : "Atlas could not be reached";
      const waitMs = tokenRetryAfterMs(failure);
      throw new AtlasUnavailableError(
        `${what} after ${attempts} attempt(s) (${failureCode(failure)}).`,
        undefined,
        attempts,
        waitMs > 0 ? Math.ceil(waitMs / 1000) : undefined,
        { cause: failure, mayHaveArrived: sentUnanswered(failure) },
      );
    }
    return { ...outcome.answer, attempts, latencyMs: this.now() - started };
  }

  /**
   * One authenticator per (kind, Atlas, credentials), so the digest nonce or the service account's token is
   * reused across warm invocations. The key is a hash: the map never holds a secret in the clear.
   */
  private authenticatorFor(credentials: AtlasCredentials): Authenticator {
    const baseUrl = credentials.baseUrl ?? this.options.defaultBaseUrl;
    const [id, secret] =
      credentials.kind === "apiKey"
        ? [credentials.publicKey, credentials.privateKey]
        : [credentials.clientId, credentials.clientSecret];
    const fingerprint = createHash("sha256")
      .update(`${credentials.kind}\0${baseUrl}\0${id}\0${secret}`)
      .digest("hex");
    let auth = this.authenticators.get(fingerprint);
    if (!auth) {
      if (this.authenticators.size >= 32) this.authenticators.clear();
      auth = this.newAuthenticator(credentials, baseUrl);
      this.authenticators.set(fingerprint, auth);
    }
    return auth;
  }

  private newAuthenticator(credentials: AtlasCredentials, baseUrl: string): Authenticator {
    if (credentials.kind === "apiKey") {
      return new DigestAuthenticator({ username: credentials.publicKey, password: credentials.privateKey });
    }
    const { clientId, clientSecret } = credentials;
    // The client's own clock and sleep, so tests that drive the client drive token renewal too.
    return new ServiceAccountAuthenticator(
      { clientId, clientSecret, baseUrl },
      { now: this.now, sleep: this.sleep },
    );
  }
}

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
function mayRetry(method: string, outcome: Outcome, status: number | undefined): boolean {
  if ("failure" in outcome) {
    if (!outcome.failure.retryable) return false;
    return method === "GET" || !sentUnanswered(outcome.failure);
  }
  if (!isRetryableStatus(status ?? 0)) return false;
  return method === "GET" || NOT_ACTED_STATUSES.has(status ?? 0);
}

/** Whether a failed attempt may have reached Atlas without an answer coming back. */
function sentUnanswered(failure: TransportError | TokenEndpointError): boolean {
  return failure instanceof TransportError && !NOT_SENT_CODES.has(failure.networkCode);
}

/** The token endpoint's Retry-After, so the client never retries it sooner than asked; 0 otherwise. */
function tokenRetryAfterMs(failure: TransportError | TokenEndpointError): number {
  return failure instanceof TokenEndpointError ? (failure.retryAfterMs ?? 0) : 0;
}

/** The network error code, or the token endpoint's error code. */
function failureCode(failure: TransportError | TokenEndpointError): string {
  return failure instanceof TokenEndpointError ? failure.errorCode : failure.networkCode;
}
