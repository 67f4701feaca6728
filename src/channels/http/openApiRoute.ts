import { createHash } from "node:crypto";
// The committed document, bundled into the Lambda by esbuild as plain data. Imported rather than built at
// cold start: the builder would pull zod's JSON Schema code and every response schema into the bundle and spend
// cold-start time on a document that never changes between deploys, and the test that compares the builder's
// output with docs/openapi.json already guarantees they are the same document.
import document from "../../../docs/openapi.json" with { type: "json" };
import type { GatewayRequest } from "../common/request.js";
import type { HttpResult } from "../common/response.js";

const body = JSON.stringify(document);
const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;

/**
 * `GET /v1/openapi.json`: the gateway's OpenAPI 3.1 document, to anyone (it holds no secret, and a client
 * generator must read it before it has a token). Cached for five minutes; a matching `If-None-Match` gets a 304.
 */
export function openApiDocument(request: GatewayRequest): HttpResult {
  const headers = { etag, "cache-control": "public, max-age=300" };
  if (request.headers["if-none-match"] === etag) return { statusCode: 304, headers, body: "" };
  return { statusCode: 200, headers: { "content-type": "application/json", ...headers }, body };
}
