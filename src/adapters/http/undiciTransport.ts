import type { Socket } from "node:net";
import { Agent, buildConnector, request } from "undici";
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  TransportError,
  type TransportOptions,
} from "../../ports/HttpTransport.js";

export type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  TransportOptions,
} from "../../ports/HttpTransport.js";
export { TransportError } from "../../ports/HttpTransport.js";

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

/**
 * Creates a transport over one undici `Agent` (keep-alive pool). A request that dies on a reused keep-alive
 * socket before its response started (the server closed the idle socket as we wrote) is sent again once, at
 * once, on a new socket. `close()` ends the pool.
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
    try {
      return await readResponse(req, await start(agent, req));
    } catch (err) {
      // Only a kept-alive socket the server had closed under us, with no response byte back, is worth an
      // immediate second try: a fresh socket failing the same way means the server itself is in trouble.
      if (!(err instanceof StartError) || !diedOnReusedSocket(err.cause)) throw toTransportError(req, err);
    }
    try {
      return { ...(await readResponse(req, await start(agent, req))), resent: true };
    } catch (err) {
      throw toTransportError(req, err);
    }
  };
  return Object.assign(transport, { close: () => agent.close() });
}

/** Marks a failure that happened before any response headers arrived. */
class StartError extends Error {}

/** Sends the request and waits for the response headers. */
async function start(agent: Agent, req: HttpRequest) {
  try {
    return await request(req.url, {
      dispatcher: agent,
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    });
  } catch (err) {
    throw new StartError("request failed before the response", { cause: err });
  }
}

async function readResponse(req: HttpRequest, res: Awaited<ReturnType<typeof start>>): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  try {
    return { status: res.statusCode, headers, body: await res.body.text() };
  } catch (err) {
    throw toTransportError(req, err);
  }
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

function toTransportError(req: HttpRequest, err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const cause = err instanceof StartError ? err.cause : err;
  const aborted = req.signal?.aborted === true;
  const code = aborted ? "ABORTED" : codeOf(cause);
  // Origin and path only: the query may carry identifiers and headers carry credentials.
  const target = URL.canParse(req.url) ? new URL(req.url) : undefined;
  const where = target ? `${target.origin}${target.pathname}` : "(invalid URL)";
  const message = `${req.method} ${where} failed: ${code}`;
  return new TransportError(message, { code, retryable: !aborted && RETRYABLE_CODES.has(code), cause });
}
