import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from "./errors.js";
import { checkJsonShape, JsonShapeError } from "./jsonLimits.js";

/** An HTTP request as the gateway sees it, independent of how it arrived (API Gateway, the local server). */
export interface GatewayRequest {
  requestId: string;
  method: string;
  rawPath: string;
  /** Path plus `?` and the raw query string, exactly as sent: what signatures cover. */
  pathWithQuery: string;
  /** Header names lower-case. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
}

/**
 * Reads an API Gateway HTTP API (payload v2) event. The body is decoded from base64 when API Gateway encoded
 * it, so signatures are checked over the bytes the caller sent.
 */
export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): GatewayRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const rawBody = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8")
    : Buffer.alloc(0);
  const rawQuery = event.rawQueryString ?? "";
  return {
    requestId: event.requestContext.requestId,
    method: event.requestContext.http.method.toUpperCase(),
    rawPath: event.rawPath,
    pathWithQuery: rawQuery ? `${event.rawPath}?${rawQuery}` : event.rawPath,
    headers,
    query: Object.fromEntries(new URLSearchParams(rawQuery)),
    rawBody,
  };
}

const JSON_MEDIA_TYPE = /^application\/(?:json|vnd\.atlas\.\d{4}-\d{2}-\d{2}\+json)\s*(?:;.*)?$/i;

/**
 * The body as JSON: 413 over `maxBytes`, 415 unless it is declared JSON (`application/json` or Atlas's
 * versioned `application/vnd.atlas.YYYY-MM-DD+json`), 400 when it does not parse, nests too deep or gives a
 * key twice (see jsonLimits.ts).
 */
export function readJsonBody(request: GatewayRequest, maxBytes: number): { value: unknown; text: string } {
  if (request.rawBody.length > maxBytes) {
    throw new PayloadTooLargeError(`The body is ${request.rawBody.length} bytes; the limit is ${maxBytes}.`);
  }
  const contentType = request.headers["content-type"];
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      "Send Content-Type: application/json (or application/vnd.atlas.2023-01-01+json) with a JSON body.",
    );
  }
  const text = request.rawBody.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError(`The body does not parse as JSON: ${(error as Error).message}`);
  }
  const violations = checkJsonShape(text);
  if (violations.length > 0) throw new JsonShapeError(violations);
  return { value, text };
}
