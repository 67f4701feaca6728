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
import { AtlasBudgetEmptyError, type AtlasRateBudget } from "../../ports/AtlasRateBudget.js";
import { type HttpRequest, type HttpTransport, TransportError } from "../../ports/HttpTransport.js";
import type { SharedTokenCache } from "../../ports/SharedTokenCache.js";
import { AtlasBudgetGate, type AtlasBudgetSettings } from "./AtlasBudgetGate.js";
import { failureCode, mayRetry, type Outcome, sentUnanswered, tokenRetryAfterMs } from "./attempts.js";
import { type Authenticator, DigestAuthenticator } from "./digest/DigestAuthenticator.js";
import { ServiceAccountAuthenticator } from "./oauth/ServiceAccountAuthenticator.js";
import { inspectRateLimit } from "./rateLimitInspection.js";
import { containerRequest, listRequest, peerRequest } from "./requests.js";
import { nextDelayMs, type RetryPolicy } from "./retry.js";

export { ATLAS_V2_MEDIA_TYPE } from "./requests.js";

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
  /** The Atlas rate budget shared by every container (see AtlasBudgetGate.ts); none: no budget. */
  rateBudget?: { store: AtlasRateBudget; settings: AtlasBudgetSettings; onError?: (error: unknown) => void };
  /** Where service-account tokens are shared between containers (Atlas allows 100 active per account). */
  sharedTokens?: SharedTokenCache;
}

/** What `send` needs of a call: Atlas's `envelope` flag, and the project (its budget bucket). */
type SendCall = { query: { envelope?: boolean }; groupId: string };

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
  private readonly budget: AtlasBudgetGate | undefined;

  constructor(private readonly options: AtlasClientOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    const rate = options.rateBudget;
    this.budget =
      rate &&
      new AtlasBudgetGate(
        rate.store,
        rate.settings,
        (target, now) =>
          inspectRateLimit(this.authenticatorFor(target.credentials), options.transport, target, now),
        this.now,
        rate.onError,
      );
  }

  updatePeer(credentials: AtlasCredentials, call: PeerCall, body: string, options: AtlasCallOptions) {
    return this.send(credentials, peerRequest("PATCH", this.baseOf(credentials), call, body), call, options);
  }

  getPeer(credentials: AtlasCredentials, call: PeerCall, options: AtlasCallOptions) {
    return this.send(credentials, peerRequest("GET", this.baseOf(credentials), call), call, options);
  }

  listPeers(credentials: AtlasCredentials, call: PeerListCall, options: AtlasCallOptions) {
    return this.send(credentials, listRequest(this.baseOf(credentials), call), call, options);
  }

  /** The peer's network container, read without `pretty`/`envelope` (the gateway reads it, nobody else). */
  getContainer(credentials: AtlasCredentials, call: ContainerCall, options: AtlasCallOptions) {
    const request = containerRequest(this.baseOf(credentials), call);
    return this.send(credentials, request, { query: {}, groupId: call.groupId }, options);
  }

  private baseOf(credentials: AtlasCredentials): string {
    return credentials.baseUrl ?? this.options.defaultBaseUrl;
  }

  /**
   * Each attempt first takes a token from the shared budget. None for the first: nothing is sent
   * ({@link AtlasBudgetEmptyError}, the caller schedules the call for when a token is due); none for a retry:
   * Atlas's last answer is given back, as when the attempts run out.
   */
  private async send(
    credentials: AtlasCredentials,
    request: HttpRequest,
    call: SendCall,
    options: AtlasCallOptions,
  ) {
    const started = this.now();
    const auth = this.authenticatorFor(credentials);
    const target = { credentials, baseUrl: this.baseOf(credentials), groupId: call.groupId };
    let last: Outcome | undefined;
    for (let attempt = 1; ; attempt++) {
      const slot = await this.budget?.take(target);
      if (slot && !slot.granted) {
        if (last === undefined) throw new AtlasBudgetEmptyError(slot.retryAtMs, this.now());
        return this.finish(last, attempt - 1, started);
      }
      const outcome = await this.attempt(auth, request, options.deadline);
      if ("answer" in outcome) await this.budget?.observe(target, outcome.answer);
      last = outcome;
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
    const shared = this.options.sharedTokens;
    return new ServiceAccountAuthenticator(
      { clientId, clientSecret, baseUrl },
      { now: this.now, sleep: this.sleep, ...(shared ? { shared } : {}) },
    );
  }
}
