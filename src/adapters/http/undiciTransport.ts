import type { Socket } from "node:net";
import { Agent, buildConnector, request } from "undici";
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  ResponseTooLargeError,
  TransportError,
  type TransportOptions,
} from "../../ports/HttpTransport.js";

export type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  TransportOptions,
} from "../../ports/HttpTransport.js";
export { ResponseTooLargeError, TransportError } from "../../ports/HttpTransport.js";

const RETRYABLE_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** Codes by which undici reports that the server closed a socket under our request. */
const DEAD_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/**
 * Bytes a socket had read when it emitted an error. undici reports raw errors such as ECONNRESET without
 * socket details, so the connector records them; a socket that had read bytes had carried an earlier response.
 */
const bytesReadAtError = new WeakMap<object, number>();

/** Methods a server handles the same however often they arrive (RFC 9110 §9.2.2): safe to send again. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Creates a transport over one undici `Agent` (keep-alive pool). A request that dies on a reused keep-alive
 * socket before its response started (the server closed the idle socket as we wrote) is sent again once, at
 * once, on a new socket — if it is idempotent (or says it is safe to repeat): the server may have read the
 * first copy, and a PATCH must not reach Atlas twice unseen (docs/atlas-api.md §2.5). `close()` ends the pool.
 */
export function createUndiciTransport(options: TransportOptions): HttpTransport & { close(): Promise<void> } {
  const connect = buildConnector({ timeout: options.connectTimeoutMs });
  const agent = new Agent({
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    connect: (connectOptions, callback) =>
      connect(connectOptions, (...args) => {
        const socket: Socket | null = args[1];
        socket?.on("error", (err) => bytesReadAtError.set(err, socket.bytesRead));
        callback(...args);
      }),
  });
  // No await before `request()` is called: callers rely on requests being dispatched in call order.
  const transport: HttpTransport = async (req) => {
    const call = bounded(req);
    try {
      return await readResponse(call, await start(agent, call));
    } catch (err) {
      // Only a kept-alive socket the server had closed under us, with no response byte back, is worth an
      // immediate second try: a fresh socket failing the same way means the server itself is in trouble.
      if (!(err instanceof StartError) || !diedOnReusedSocket(err.cause) || !mayResend(req))
        throw toTransportError(call, err);
    }
    try {
      return { ...(await readResponse(call, await start(agent, call))), resent: true };
    } catch (err) {
      throw toTransportError(call, err);
    }
  };
  return Object.assign(transport, { close: () => agent.close() });
}

function mayResend(req: HttpRequest): boolean {
  return req.safeToResend ?? IDEMPOTENT_METHODS.has(req.method.toUpperCase());
}

/** A request with the signal undici obeys: the caller's, combined with the request's own time bound. */
interface BoundedCall {
  req: HttpRequest;
  signal: AbortSignal | undefined;
  /** Aborts when `timeoutMs` runs out; kept apart so that a timeout is told from the caller's abort. */
  timeout: AbortSignal | undefined;
}

function bounded(req: HttpRequest): BoundedCall {
  // One bound for the whole call, the resend included: a host that accepts and never answers costs timeoutMs.
  const timeout = req.timeoutMs === undefined ? undefined : AbortSignal.timeout(Math.max(1, req.timeoutMs));
  const signals = [req.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  return { req, signal, timeout };
}

/** Marks a failure that happened before any response headers arrived. */
class StartError extends Error {}

/** Sends the request and waits for the response headers. */
async function start(agent: Agent, { req, signal }: BoundedCall) {
  try {
    return await request(req.url, {
      dispatcher: agent,
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (err) {
    throw new StartError("request failed before the response", { cause: err });
  }
}

type Started = Awaited<ReturnType<typeof start>>;

async function readResponse(call: BoundedCall, res: Started): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  try {
    const cap = call.req.maxResponseBytes;
    const body = cap === undefined ? await res.body.text() : await readCapped(call.req, res, headers, cap);
    return { status: res.statusCode, headers, body };
  } catch (err) {
    throw toTransportError(call, err);
  }
}

/**
 * Reads at most `cap` bytes of the body, keeping no more than that. Past the cap the body is destroyed, which
 * aborts the request: undici then closes the socket instead of returning it, half-read, to the pool.
 */
async function readCapped(
  req: HttpRequest,
  res: Started,
  headers: Record<string, string>,
  cap: number,
): Promise<string> {
  const tooLarge = (bytesRead: number) => {
    res.body.destroy();
    const message = `${describe(req)} answered ${res.statusCode} with a body over ${cap} bytes`;
    return new ResponseTooLargeError(message, { status: res.statusCode, headers, bytesRead });
  };
  // A declared length over the cap is refused before a byte is read.
  if (Number(headers["content-length"]) > cap) throw tooLarge(0);
  const chunks: Buffer[] = [];
  let bytesRead = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    if (bytesRead > cap) throw tooLarge(bytesRead);
    chunks.push(chunk);
  }
  // TextDecoder, as undici's text() does: a leading BOM is dropped, invalid UTF-8 becomes U+FFFD.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** A dead-socket error on a socket that had already carried a response, i.e. a reused keep-alive socket. */
function diedOnReusedSocket(err: unknown): boolean {
  if (!DEAD_SOCKET_CODES.has(codeOf(err))) return false;
  const info = (err as { socket?: { bytesRead?: unknown } }).socket;
  const bytesRead =
    typeof info?.bytesRead === "number" ? info.bytesRead : bytesReadAtError.get(err as object);
  return bytesRead !== undefined && bytesRead > 0;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return err instanceof Error ? err.name : "UNKNOWN";
}

function toTransportError({ req, timeout }: BoundedCall, err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const cause = err instanceof StartError ? err.cause : err;
  // The caller's abort is final; our own time bound running out is a timeout like any other.
  const aborted = req.signal?.aborted === true;
  const timedOut = !aborted && timeout?.aborted === true;
  const code = aborted ? "ABORTED" : timedOut ? "TIMEOUT" : codeOf(cause);
  const retryable = timedOut || (!aborted && RETRYABLE_CODES.has(code));
  return new TransportError(`${describe(req)} failed: ${code}`, { code, retryable, cause });
}

/** Method, origin and path only: the query may carry identifiers and headers carry credentials. */
function describe(req: HttpRequest): string {
  const target = URL.canParse(req.url) ? new URL(req.url) : undefined;
  return `${req.method} ${target ? `${target.origin}${target.pathname}` : "(invalid URL)"}`;
}
