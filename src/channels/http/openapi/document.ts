/**
 * Builds the gateway's OpenAPI 3.1 document from the zod schemas it validates with (requests) and the schemas
 * of its answers (./schemas.ts). `npm run openapi` writes it to docs/openapi.json, which the http function
 * serves at GET /v1/openapi.json; a test fails when the two differ.
 */
import * as z from "zod";
import { IDEMPOTENCY_KEY_MESSAGE, IDEMPOTENCY_KEY_PATTERN } from "../../../domain/change/idempotencyKey.js";
import { paths } from "./paths.js";
import { problemResponses } from "./problems.js";
import { requestSchemas } from "./requestSchemas.js";
import { responseSchemas } from "./schemas.js";
// Registers the inventory's body in `responseSchemas` (kept apart to keep schemas.ts short).
import "./inventorySchemas.js";

type Json = Record<string, unknown>;

const uri = (id: string) => `#/components/schemas/${id}`;

/**
 * One registry's components. Requests are documented as sent (`io: "input"`: a query flag is the string "true",
 * before it becomes a boolean), answers as written (`"output"`).
 */
function components(registry: z.core.$ZodRegistry<{ id?: string }>, io: "input" | "output"): Json {
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io, uri, metadata: registry });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, tidy(schema)]));
}

/**
 * Drops what does not belong in a component: `$schema`/`$id` (the document's dialect covers them), keys declared
 * only to refuse them by name (`not: {}`: `additionalProperties: false` refuses them too, and client generators
 * would make fields of them), and zod's long regex beside `format: date-time`.
 */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "$id") continue;
    if (key === "pattern" && (node as Json).format === "date-time") continue;
    if (key === "properties") {
      const kept = Object.entries(value as Json).filter(([, schema]) => !refusedOnly(schema));
      out[key] = Object.fromEntries(kept.map(([name, schema]) => [name, tidy(schema)]));
      continue;
    }
    out[key] = tidy(value);
  }
  return out;
}

function refusedOnly(schema: unknown): boolean {
  return JSON.stringify(schema) === '{"not":{}}';
}

const SECURITY_SCHEMES: Json = {
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    description: "Authorization: Bearer <token>; the gateway keeps only the token's SHA-256.",
  },
  gatewayCaller: { type: "apiKey", in: "header", name: "X-Gateway-Caller", description: "The caller's id." },
  gatewayTimestamp: {
    type: "apiKey",
    in: "header",
    name: "X-Gateway-Timestamp",
    description: "The current Unix time in seconds; within the accepted window (300 s by default).",
  },
  gatewaySignature: {
    type: "apiKey",
    in: "header",
    name: "X-Gateway-Signature",
    description:
      "v1=<hex HMAC-SHA256(signing secret, `v1:{timestamp}:{METHOD}:{path with query}:{raw body}`)>, " +
      "comma-separated for several secrets. Each signed request is accepted once.",
  },
  slackSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Slack-Signature",
    description: "Slack's v0= signature.",
  },
  slackTimestamp: {
    type: "apiKey",
    in: "header",
    name: "X-Slack-Request-Timestamp",
    description: "Slack's timestamp.",
  },
};

const HEADERS: Json = {
  XRequestId: { description: "The request's id; quote it when asking for help.", schema: { type: "string" } },
  XChangeRequestId: {
    description: "The change the request created (or replayed).",
    schema: { type: "string" },
  },
  Location: {
    description: "/v1/peering-changes/{id}: where to follow the change.",
    schema: { type: "string" },
  },
  RetryAfter: {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", minimum: 0 },
  },
  WWWAuthenticate: { description: 'Bearer realm="atlas-peering-gateway"', schema: { type: "string" } },
  ETag: { description: "The document's version.", schema: { type: "string" } },
  CacheControl: { description: "How long the document may be cached.", schema: { type: "string" } },
};

const PARAMETERS: Json = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description: `Sending the same key again answers the first change instead of making another; ${IDEMPOTENCY_KEY_MESSAGE}.`,
    schema: { type: "string", pattern: IDEMPOTENCY_KEY_PATTERN.source },
  },
};

/** The document, built from the schemas; {@link canonicalJson} gives it the form docs/openapi.json has. */
export function buildOpenApiDocument(version: string): Json {
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "atlas-peering-gateway",
      version,
      description:
        "Change MongoDB Atlas network peering connections without holding Atlas API keys: Atlas-compatible " +
        "drop-in routes, the gateway's own change API, its audit trail and the Slack command.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    tags: ["Atlas drop-in", "Changes", "Inventory", "Audit", "Slack", "Meta"].map((name) => ({ name })),
    paths: paths(),
    components: {
      schemas: { ...components(requestSchemas, "input"), ...components(responseSchemas, "output") },
      securitySchemes: SECURITY_SCHEMES,
      responses: problemResponses(),
      headers: HEADERS,
      parameters: PARAMETERS,
    },
  };
}

/** The top level in OpenAPI's usual order; everything below it with keys sorted, so the file is stable. */
const TOP_LEVEL = ["openapi", "jsonSchemaDialect", "info", "tags", "paths", "components"];

export function canonicalJson(document: Json): string {
  const ordered = Object.fromEntries(
    [...TOP_LEVEL, ...Object.keys(document).sort()]
      .filter((key, index, all) => key in document && all.indexOf(key) === index)
      .map((key) => [key, sortKeys(document[key])]),
  );
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function sortKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, value]) => [key, sortKeys(value)]));
}
