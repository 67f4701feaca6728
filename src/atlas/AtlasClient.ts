import { createHash } from "node:crypto";
import type { AtlasAnswer, AtlasCallOptions, AtlasPeeringApi, PeerCall } from "../ports/AtlasPeeringApi.js";
import type { AtlasCredentials } from "./credentials.js";
import { type Authenticator, DigestAuthenticator } from "./digest/DigestAuthenticator.js";
import { AtlasUnavailableError } from "./errors.js";
import { isRetryableStatus, nextDelayMs, type RetryPolicy } from "./retry.js";
import { type HttpRequest, type HttpResponse, type HttpTransport, TransportError } from "./transport.js";

/** The only resource version Atlas has for peering endpoints (reference §1.2). */
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

/** Attempt outcome: Atlas answered, or the network failed before it could. */
type Outcome = { answer: HttpResponse } | { failure: TransportError };

/**
 * The Atlas Administration API client for peering connections: HTTP Digest (per-nonce counters, safe under
 * concurrency), both API generations, and bounded retries of 429/5xx/network failures with full-jitter
 * backoff that honours `Retry-After` and never starts an attempt it could not finish before the deadline.
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
    return this.send(credentials, this.request("PATCH", credentials, call, body), options);
  }

  getPeer(credentials: AtlasCredentials, call: PeerCall, options: AtlasCallOptions) {
    return this.send(credentials, this.request("GET", credentials, call), options);
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

  private async send(credentials: AtlasCredentials, request: HttpRequest, options: AtlasCallOptions) {
    const started = this.now();
    const auth = this.authenticatorFor(credentials, request.url);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(auth, request, options.deadline);
      const status = "answer" in outcome ? outcome.answer.status : undefined;
      const retryable =
        "failure" in outcome ? outcome.failure.retryable : isRetryableStatus(outcome.answer.status);
      const delayMs = retryable ? this.delayBefore(attempt + 1, outcome, options.deadline) : undefined;
      if (delayMs === undefined) return this.finish(outcome, attempt, started);
      this.options.onRetry?.({
        attempt,
        delayMs,
        ...(status === undefined ? {} : { status }),
        ...("failure" in outcome ? { errorCode: outcome.failure.code } : {}),
      });
      await this.sleep(delayMs);
    }
  }

  private async attempt(auth: Authenticator, request: HttpRequest, deadline: number): Promise<Outcome> {
    const signal = AbortSignal.timeout(Math.max(1, deadline - this.now()));
    try {
      return { answer: await auth.send(this.options.transport, { ...request, signal }) };
    } catch (error) {
      if (error instanceof TransportError) return { failure: error };
      throw error;
    }
  }

  /** The wait before attempt `next`, or undefined when there is no budget (attempts or time) left for it. */
  private delayBefore(next: number, outcome: Outcome, deadline: number): number | undefined {
    if (next > this.options.retry.maxAttempts) return undefined;
    const retryAfter = "answer" in outcome ? outcome.answer.headers["retry-after"] : undefined;
    const delay = nextDelayMs(next - 1, retryAfter, this.now(), this.options.retry, this.random);
    return this.now() + delay < deadline ? delay : undefined;
  }

  private finish(outcome: Outcome, attempts: number, started: number): AtlasAnswer {
    if ("failure" in outcome) {
      throw new AtlasUnavailableError(
        `Atlas could not be reached after ${attempts} attempt(s) (${outcome.failure.code}).`,
        undefined,
        attempts,
        undefined,
        { cause: outcome.failure },
      );
    }
    return { ...outcome.answer, attempts, latencyMs: this.now() - started };
  }

  /** One authenticator per (Atlas, key) so the digest nonce is reused across warm invocations. */
  private authenticatorFor(credentials: AtlasCredentials, url: string): Authenticator {
    const fingerprint = createHash("sha256")
      .update(`${new URL(url).origin}\0${credentials.publicKey}\0${credentials.privateKey}`)
      .digest("hex");
    let auth = this.authenticators.get(fingerprint);
    if (!auth) {
      if (this.authenticators.size >= 32) this.authenticators.clear();
      auth = new DigestAuthenticator({ username: credentials.publicKey, password: credentials.privateKey });
      this.authenticators.set(fingerprint, auth);
    }
    return auth;
  }
}
