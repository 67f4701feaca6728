import { type ErrorKind, GatewayError } from "../../domain/errors.js";
import type { AtlasErrorBody } from "../../ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../../ports/AtlasRateBudget.js";
import { ChangeRateLimitedError } from "../../usecases/changeRate.js";
import { atlasMembers, speaksAtlas } from "./atlasProblem.js";
import { HttpProblemError } from "./errors.js";
import type { HttpResult } from "./response.js";

const TYPE_BASE = "https://atlas-peering-gateway.dev/problems/";

/** Where the problem happened, for the `instance` and `requestId` members. */
export interface ProblemContext {
  requestId: string;
  instance: string;
}

export interface Problem {
  status: number;
  slug: string;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * The HTTP channel's one table: the status of each kind of error. The gateway's own failures
 * (`unavailable`, `misconfigured`) are 5xx, never a 4xx that would blame the caller.
 */
const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  refused: 422,
  "rate-limited": 429,
  unavailable: 503,
  misconfigured: 500,
};

/** Where HTTP has a more precise status for an upstream failure: Atlas timed out, or answered unusably. */
const GATEWAY_STATUS_BY_CODE: Record<string, number> = {
  "atlas-unreachable": 504,
  "atlas-auth-handshake": 502,
  "atlas-service-account": 502,
  // Atlas answered, but refused the gateway's own keys: a bad gateway, never the caller's 401/403.
  "atlas-credentials-refused": 502,
};

/** Headers every answer of a kind carries. */
const HEADERS_BY_KIND: Partial<Record<ErrorKind, Record<string, string>>> = {
  unauthenticated: { "WWW-Authenticate": 'Bearer realm="atlas-peering-gateway"' },
};

/**
 * Errors become HTTP answers here: RFC 9457 problems, by kind (see {@link STATUS_BY_KIND}). The HTTP channel's
 * own errors (413, 415, 405…) keep their status; anything that is not a gateway error is a generic 500 (the
 * caller logs the full error). Under Atlas's own paths (the drop-in routes) the problem also carries Atlas's
 * `ApiError` members and is sent as `application/json`, as Atlas sends its errors: the Go SDK decodes an error
 * body only when its type matches `(application|text)/(vnd.…+)?json`, which `application/problem+json` does
 * not, and `admin.IsErrorCode` would never see the code.
 */
export function toProblemResponse(error: unknown, context: ProblemContext): HttpResult {
  const problem = describeProblem(error);
  if (!speaksAtlas(context.instance)) return problemResponse(problem, context);
  const extensions = { ...problem.extensions, ...atlasMembers(error, problem.status) };
  return problemResponse({ ...problem, extensions }, context, "application/json");
}

/** A problem response for Atlas refusing a change (a 4xx of its own), keeping Atlas's fields. */
export function atlasRejectionProblem(
  status: number,
  atlas: AtlasErrorBody | undefined,
  extensions: Record<string, unknown>,
  context: ProblemContext,
): HttpResult {
  return problemResponse(
    {
      status,
      slug: "atlas-rejected",
      title: atlas?.reason ?? "Atlas refused the change",
      detail: atlas?.detail ?? `Atlas answered ${status}.`,
      extensions: { errorCode: atlas?.errorCode, atlas, ...extensions },
    },
    context,
  );
}

/** The problem an error is answered with (status, type slug, title, detail). */
export function describeProblem(error: unknown): Problem {
  if (!(error instanceof GatewayError)) {
    return {
      status: 500,
      slug: "internal",
      title: "Internal error",
      detail: "The gateway failed unexpectedly.",
    };
  }
  const status =
    error instanceof HttpProblemError
      ? error.status
      : (GATEWAY_STATUS_BY_CODE[error.code] ?? STATUS_BY_KIND[error.kind]);
  const headers = {
    ...HEADERS_BY_KIND[error.kind],
    ...(error instanceof HttpProblemError ? error.headers() : {}),
    ...retryAfterOf(error),
  };
  return {
    status,
    slug: error.code,
    title: error.title,
    detail: error.detail,
    extensions: error.details(),
    headers,
  };
}

/**
 * When to try again, for the errors that know: the caller's own rate limit, and the shared Atlas budget (its
 * 503 says when the next token is due, so an Atlas client backs off as it does for Atlas's own 503).
 */
function retryAfterOf(error: GatewayError): Record<string, string> {
  if (error instanceof ChangeRateLimitedError || error instanceof AtlasBudgetEmptyError)
    return { "Retry-After": String(error.retryAfterSeconds) };
  return {};
}

function problemResponse(
  problem: Problem,
  context: ProblemContext,
  contentType = "application/problem+json",
): HttpResult {
  const body = {
    type: `${TYPE_BASE}${problem.slug}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: context.instance,
    requestId: context.requestId,
    ...problem.extensions,
  };
  return {
    statusCode: problem.status,
    headers: { "content-type": contentType, ...problem.headers },
    body: JSON.stringify(body),
  };
}
