import { type ErrorKind, GatewayError } from "../domain/errors.js";

// The HTTP vocabulary of the Atlas client and the other outbound callers, apart from undici itself, so that
// importing it costs nothing at cold start: undici is loaded on the first request (see adapters/http/lazyTransport.ts).

/** One HTTP request. The body is a string so that an authenticator can send it a second time. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The caller's own abort: ends the request with `networkCode` `ABORTED` (not retryable). */
  signal?: AbortSignal;
  /**
   * Whether the transport may send the request again by itself when a kept-alive socket died under it (the
   * server may have read the first copy). Default: only for idempotent methods (GET, HEAD, OPTIONS, PUT,
   * DELETE); a POST whose receiver de-duplicates (a webhook with its `webhook-id`) may say true.
   */
  safeToResend?: boolean;
  /**
   * Bound of the whole call (connect, headers and body, and the one resend on a dead kept-alive socket),
   * on top of the transport's own per-phase timeouts: when it runs out the request is aborted, its socket
   * closed, and the call rejects with `networkCode` `TIMEOUT` (retryable). Meant for calls to hosts the
   * gateway does not trust to answer (callbacks, Slack).
   */
  timeoutMs?: number;
  /**
   * Most body bytes to accept. A longer body is never returned cut short (a caller parsing it would see
   * plausible nonsense): reading stops at once (at once when `Content-Length` already says so), the response
   * is destroyed so its socket is not reused, and the call rejects with {@link ResponseTooLargeError}, which
   * carries the status and headers that did arrive. Memory stays bounded by about the cap plus one chunk.
   */
  maxResponseBytes?: number;
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
 * A network failure or timeout: no usable response exists (but see {@link ResponseTooLargeError}).
 * `retryable` says whether trying again soon, within the same piece of work, may succeed. The message names
 * the method, origin and path only: never headers, query or body.
 */
export class TransportError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "transport";
  readonly title: string = "A network call failed";
  /** The network error code (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, `TIMEOUT`, `ABORTED`…). */
  readonly networkCode: string;
  readonly retryable: boolean;

  constructor(message: string, options: { code: string; retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.networkCode = options.code;
    this.retryable = options.retryable;
  }
}

/**
 * The server answered, but with a body longer than the request's `maxResponseBytes`: the status and headers
 * are here, the body was not read past the cap. `networkCode` `RESPONSE_TOO_LARGE`, not retryable (the same
 * server will most likely send the same body); what the status means is the caller's to judge.
 */
export class ResponseTooLargeError extends TransportError {
  override readonly code: string = "response-too-large";
  override readonly title: string = "A response was too large to read";
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Body bytes read before stopping: 0 when `Content-Length` announced the size, else under cap + one chunk. */
  readonly bytesRead: number;

  constructor(
    message: string,
    response: { status: number; headers: Record<string, string>; bytesRead: number },
  ) {
    super(message, { code: "RESPONSE_TOO_LARGE", retryable: false });
    this.status = response.status;
    this.headers = response.headers;
    this.bytesRead = response.bytesRead;
  }
}

/**
 * Whether a one-shot delivery (a callback, a Slack reply) that failed in the transport may succeed when
 * tried again later, in another invocation. Broader than {@link TransportError.retryable}, which is about an
 * immediate retry: a DNS failure, a TLS problem, a timeout or our own abort is not the receiver's answer and
 * may clear by then, and the caller bounds the attempts. Only a request that can never be sent (a malformed
 * URL, an unsupported scheme) or an error that is not the transport's is final.
 */
export function mayDeliverLater(error: unknown): boolean {
  if (!(error instanceof TransportError)) return false;
  if (error instanceof ResponseTooLargeError) return false;
  return !NEVER_SENDABLE_CODES.has(error.networkCode);
}

const NEVER_SENDABLE_CODES = new Set(["UND_ERR_INVALID_ARG", "ERR_INVALID_URL", "UND_ERR_NOT_SUPPORTED"]);
