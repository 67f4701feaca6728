import type { IncomingHttpHeaders } from "node:http";

/**
 * The request log. Tests and rehearsals assert on what a client really sent (headers, digest retries, bodies),
 * so every Atlas API request is kept, with credentials redacted so the log can be printed or shared safely.
 */

/** One request as the simulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string without the leading `?` ("" when none). */
  query: string;
  /** Lower-case header names; the Authorization value is replaced by "[redacted]". */
  headers: Record<string, string>;
  body: string;
  /** Whether the credentials were accepted (digest or bearer token; for the token endpoint: a token was issued). */
  authenticated: boolean;
  /** The HTTP status sent; 0 while unanswered or when the connection was dropped. */
  status: number;
  /** When it arrived, on the simulator's clock. */
  at: number;
}

/** Oldest entries are dropped past this, so a long-running simulator does not grow without bound. */
export const MAX_RECORDED = 10_000;

const REDACTED_HEADERS = new Set(["authorization", "proxy-authorization"]);

/** Header map with joined values and credentials replaced by "[redacted]". */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    result[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : text;
  }
  return result;
}

/**
 * A token request's form body with any `client_secret` (RFC 6749 §2.3.1 allows it in the body) replaced by
 * "[redacted]"; other bodies as they are.
 */
export function redactBody(body: string, path: string, tokenPath: string): string {
  if (path !== tokenPath || !body.includes("client_secret")) return body;
  const form = new URLSearchParams(body);
  form.set("client_secret", "[redacted]");
  return form.toString();
}

/** Appends a new entry (status 0 until answered) and returns it so the server can complete it. */
export function recordRequest(
  log: RecordedRequest[],
  entry: Omit<RecordedRequest, "status" | "authenticated">,
): RecordedRequest {
  const { at, ...request } = entry;
  // Spelled out so the JSON log lists fields in the documented order.
  const recorded: RecordedRequest = { ...request, authenticated: false, status: 0, at };
  log.push(recorded);
  if (log.length > MAX_RECORDED) log.splice(0, log.length - MAX_RECORDED);
  return recorded;
}
