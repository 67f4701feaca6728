import { type ErrorKind, GatewayError } from "../domain/errors.js";

// The HTTP vocabulary of the Atlas client and the other outbound callers, apart from undici itself, so that
// importing it costs nothing at cold start: undici is loaded on the first request (see adapters/http/lazyTransport.ts).

/** One HTTP request. The body is a string so that an authenticator can send it a second time. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A fully read HTTP response. Header names are lower-case; repeated headers are joined with ", ". */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * Set when the request was sent a second time after its kept-alive socket died: the server may have seen
   * the first copy, so a credential that must not be replayed (a digest nonce count) may have been refused.
   */
  resent?: true;
}

/** Sends one request and reads the whole response. Rejects only with {@link TransportError}. */
export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

/** Timeouts and pool size of {@link createUndiciTransport}. */
export interface TransportOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Idle time after which a kept-alive socket is closed; undici's default (4 s) when absent. */
  keepAliveTimeoutMs?: number;
  /**
   * Sockets per origin; unlimited when absent. `1` makes requests reach the server in the order they were
   * sent, which servers that check the digest nonce count strictly in sequence (Apache) need.
   */
  connections?: number;
}

/**
 * A network failure or timeout: no usable response exists. `retryable` says whether trying again later may
 * succeed. The message names the method, origin and path only: never headers, query or body.
 */
export class TransportError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "transport";
  readonly title: string = "A network call failed";
  /** The network error code (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, `ABORTED`…). */
  readonly networkCode: string;
  readonly retryable: boolean;

  constructor(message: string, options: { code: string; retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.networkCode = options.code;
    this.retryable = options.retryable;
  }
}
