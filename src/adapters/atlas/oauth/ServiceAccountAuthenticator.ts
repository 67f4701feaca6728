import { TokenEndpointError } from "../../../ports/AtlasPeeringApi.js";
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  TransportError,
} from "../../../ports/HttpTransport.js";
import type { SharedTokenCache } from "../../../ports/SharedTokenCache.js";
import type { AuthContext, Authenticator } from "../digest/DigestAuthenticator.js";
import { readTokenAnswer, tokenRequest } from "./tokenEndpoint.js";

/** A service account and the Atlas that issues its tokens. */
export interface ServiceAccountConfig {
  clientId: string;
  clientSecret: string;
  /** The Atlas base URL, e.g. https://cloud.mongodb.com (no trailing slash). */
  baseUrl: string;
}

/** Clock and waiting, injectable for tests. */
export interface ServiceAccountAuthenticatorOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Where every container finds the token another one minted (Atlas allows 100 active per account). */
  shared?: SharedTokenCache;
}

/** A token in use, when to stop using it, and when it expires. */
interface CachedToken {
  value: string;
  renewAt: number;
  expiresAt: number;
}

/** Never renew closer to expiry than this: clocks drift and a request takes time to reach Atlas. */
const MIN_RENEWAL_MARGIN_MS = 60_000;
/** Without a deadline, a Retry-After longer than the token endpoint's one-minute window is not waited for. */
const MAX_WAIT_WITHOUT_DEADLINE_MS = 60_000;
/**
 * Token requests per fetch: one wait for a Retry-After, then the failure goes to the client, whose backoff
 * honours it too. More would spend the endpoint's 10 requests a minute on one call.
 */
const MAX_TOKEN_ATTEMPTS = 2;

/**
 * The service-account side of Atlas (OAuth 2.0 client credentials, docs/atlas-api.md §3.2). A token is
 * fetched once and reused until shortly before it expires, so a call costs one round trip; concurrent calls
 * needing a token share one token request, because the token endpoint allows only 10 requests a minute. A 401
 * to a cached token (revoked, or expired early) buys one new token and one resend. The client secret and the
 * tokens never appear in errors; nothing is logged.
 */
export class ServiceAccountAuthenticator implements Authenticator {
  readonly #config: ServiceAccountConfig;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #shared: SharedTokenCache | undefined;
  #token: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  constructor(config: ServiceAccountConfig, options: ServiceAccountAuthenticatorOptions = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#shared = options.shared;
  }

  /**
   * Sends `request` with a bearer token. Rejects with {@link TokenEndpointError} when no token could be had,
   * or {@link TransportError} when the token endpoint or Atlas could not be reached.
   */
  async send(
    transport: HttpTransport,
    request: HttpRequest,
    context: AuthContext = {},
  ): Promise<HttpResponse> {
    const cached = this.#usableToken();
    const token = cached ?? (await this.#freshToken(transport, request.signal, context.deadline));
    const answer = await transport(withBearer(request, token.value));
    // A token fetched for this very call being refused means the account lacks access, not that the token
    // went stale: asking for another would spend the token endpoint's small budget for nothing.
    if (answer.status !== 401 || cached === undefined) return answer;
    if (this.#token === cached) this.#token = undefined;
    await this.#shared?.drop(this.#config, cached.value).catch(() => undefined);
    const renewed = await this.#freshToken(transport, request.signal, context.deadline);
    return transport(withBearer(request, renewed.value));
  }

  /** The cached token while it is not yet due for renewal. */
  #usableToken(): CachedToken | undefined {
    const token = this.#token;
    return token !== undefined && this.#now() < token.renewAt ? token : undefined;
  }

  /** A new token; callers arriving while one is being fetched wait for that one instead of asking again. */
  #freshToken(
    transport: HttpTransport,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ): Promise<CachedToken> {
    const usable = this.#usableToken();
    if (usable !== undefined) return Promise.resolve(usable);
    if (this.#pending === undefined) {
      // The fetch is not tied to the first caller's signal, so a caller giving up does not fail the others;
      // each caller stops waiting at its own signal, and the transport's timeouts bound the fetch itself.
      const pending = this.#fetch(transport, deadline).finally(() => {
        this.#pending = undefined;
      });
      // Every waiter may have given up before it fails: the failure must not become an unhandled rejection.
      pending.catch(() => undefined);
      this.#pending = pending;
    }
    return untilAborted(this.#pending, signal);
  }

  /**
   * The token another container shared, else a new one from the token endpoint (then shared). The shared
   * cache failing (the table unreachable) only costs a token of the account's 100.
   */
  async #fetch(transport: HttpTransport, deadline: number | undefined): Promise<CachedToken> {
    const shared = await this.#shared?.get(this.#config, this.#now()).catch(() => undefined);
    if (shared !== undefined) {
      this.#token = shared;
      return shared;
    }
    const token = await this.#mint(transport, deadline);
    await this.#shared?.put(this.#config, token).catch(() => undefined);
    return token;
  }

  /** Asks the token endpoint, waiting out its Retry-After when the wait ends before the deadline. */
  async #mint(transport: HttpTransport, deadline: number | undefined): Promise<CachedToken> {
    const { baseUrl, clientId, clientSecret } = this.#config;
    for (let attempt = 1; ; attempt++) {
      const answer = await transport(tokenRequest(baseUrl, clientId, clientSecret));
      try {
        const now = this.#now();
        const granted = readTokenAnswer(answer, now);
        const token = {
          value: granted.accessToken,
          renewAt: now + usableMs(granted.lifetimeMs),
          expiresAt: now + granted.lifetimeMs,
        };
        this.#token = token;
        return token;
      } catch (error) {
        const waitMs = error instanceof TokenEndpointError ? error.retryAfterMs : undefined;
        if (waitMs === undefined || attempt >= MAX_TOKEN_ATTEMPTS || !this.#fits(waitMs, deadline))
          throw error;
        await this.#sleep(waitMs);
      }
    }
  }

  /** Whether a wait of `ms` leaves the call something to do before its deadline. */
  #fits(ms: number, deadline: number | undefined): boolean {
    return deadline === undefined ? ms <= MAX_WAIT_WITHOUT_DEADLINE_MS : this.#now() + ms < deadline;
  }
}

/**
 * How long a token is used: its lifetime less `max(60 s, 10 %)` (Terraform keeps 10 min for 1 h tokens), but
 * never less than half of it, so that short-lived tokens are still reused rather than fetched for every call.
 */
export function usableMs(lifetimeMs: number): number {
  const margin = Math.max(MIN_RENEWAL_MARGIN_MS, lifetimeMs / 10);
  return lifetimeMs - Math.min(margin, lifetimeMs / 2);
}

function withBearer(request: HttpRequest, token: string): HttpRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== "authorization"),
  );
  return { ...request, headers: { ...headers, authorization: `Bearer ${token}` } };
}

/** Waits for `work`, but no longer than `signal` allows; the work itself goes on for other callers. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  const abandoned = () =>
    new TransportError("Waiting for an Atlas service-account token was abandoned: ABORTED", {
      code: "ABORTED",
      retryable: false,
    });
  if (signal.aborted) return Promise.reject(abandoned());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abandoned());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
