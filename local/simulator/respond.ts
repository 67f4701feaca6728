import type { IncomingHttpHeaders, ServerResponse } from "node:http";

/**
 * Request shape the routes work on and the JSON writers they answer with, including Atlas's `pretty` and
 * `envelope` query flags (docs/atlas-api.md §2.4).
 */

/** A request whose body has been read in full. */
export interface SimRequest {
  method: string;
  /** The request-target as sent (path and query); digest `uri` must equal it. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How an Atlas answer is serialised. */
export interface JsonFormat {
  pretty: boolean;
  envelope: boolean;
}

/** The legacy API and every error body use plain JSON. */
export const JSON_TYPE = "application/json";

/** Reads `pretty` and `envelope`; Atlas treats anything but `true` as false. */
export function formatFromQuery(query: URLSearchParams): JsonFormat {
  return { pretty: query.get("pretty") === "true", envelope: query.get("envelope") === "true" };
}

/** One header value; repeated headers are joined like Node joins them for most names. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Writes a JSON body with an exact Content-Length (some clients rely on it rather than on chunking). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  options: { contentType: string; pretty: boolean; headers?: Readonly<Record<string, string>> },
): void {
  if (res.headersSent || res.destroyed) return;
  const text = options.pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  res.writeHead(status, {
    ...options.headers,
    "Content-Type": options.contentType,
    "Content-Length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * Writes an Atlas answer. With `envelope=true` the status goes into the body and HTTP says 200, for clients that
 * cannot read status codes: a single resource becomes `{status, content}`, a list gets `status` next to
 * `results`, as Atlas documents.
 */
export function sendAtlas(
  res: ServerResponse,
  status: number,
  body: unknown,
  format: JsonFormat,
  contentType: string,
  headers: Readonly<Record<string, string>>,
): void {
  if (!format.envelope) {
    sendJson(res, status, body, { contentType, pretty: format.pretty, headers });
    return;
  }
  const isList = typeof body === "object" && body !== null && "results" in body;
  const wrapped = isList ? { ...body, status } : { status, content: body };
  sendJson(res, 200, wrapped, { contentType, pretty: format.pretty, headers });
}
