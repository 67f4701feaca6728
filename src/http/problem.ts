import { ChangeStoreError, InvalidChangeCursorError } from "../adapters/dynamodb/errors.js";
import { DigestError } from "../atlas/digest/challenge.js";
import {
  AtlasCredentialsError,
  type AtlasErrorBody,
  AtlasUnavailableError,
  TokenEndpointError,
} from "../atlas/errors.js";
import { CallerRegistryError } from "../auth/callers.js";
import { SlackSecretError } from "../slack/errors.js";
import {
  CallbackNotAllowedError,
  ChangeEndedError,
  ChangeInFlightError,
  ChangeNotFoundError,
  ChangeRefusedError,
  IdempotencyKeyReusedError,
} from "../usecases/errors.js";
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
 * The one place errors become HTTP answers: RFC 9457 `application/problem+json`. Errors written for callers
 * keep their status and message; the gateway's own operational failures get a 5xx with a message that says
 * what failed without leaking how; anything else is a generic 500 (the caller logs the full error).
 */
export function toProblemResponse(error: unknown, context: ProblemContext): HttpResult {
  return problemResponse(describeProblem(error), context);
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
  if (error instanceof HttpProblemError) {
    const { status, slug, title, message } = error;
    return { status, slug, title, detail: message, extensions: error.extensions(), headers: error.headers() };
  }
  const change = describeChangeError(error);
  if (change) return change;
  if (error instanceof AtlasCredentialsError) {
    const status = error.problem === "unreadable" ? 503 : 500;
    return {
      status,
      slug: "atlas-credentials",
      title: "The gateway cannot load its Atlas keys",
      detail: error.message,
    };
  }
  if (error instanceof CallerRegistryError) {
    return {
      status: 500,
      slug: "callers-registry",
      title: "The gateway cannot load its callers",
      detail: error.message,
    };
  }
  if (error instanceof SlackSecretError) return slackSecretProblem(error);
  if (error instanceof AtlasUnavailableError) {
    return {
      status: 504,
      slug: "atlas-unreachable",
      title: "Atlas could not be reached",
      detail: error.message,
    };
  }
  if (error instanceof DigestError) {
    const title = "Atlas's authentication challenge could not be answered";
    return { status: 502, slug: "atlas-auth-handshake", title, detail: error.message };
  }
  if (error instanceof TokenEndpointError) {
    // Only the final refusals get here (wrong or revoked secret, token quota): the client retries the rest.
    const title = "Atlas refused the gateway's service account";
    return { status: 502, slug: "atlas-service-account", title, detail: error.message };
  }
  return {
    status: 500,
    slug: "internal",
    title: "Internal error",
    detail: "The gateway failed unexpectedly.",
  };
}

/**
 * The Slack signing secret could not be had. When it does not exist, chatops was never set up for this gateway:
 * a 404 that says what to create (Slack shows it to whoever typed the command), not a gateway failure. Any
 * other problem is the gateway misconfigured (or Secrets Manager failing: 503, worth retrying).
 */
function slackSecretProblem(error: SlackSecretError): Problem {
  if (error.problem === "missing") {
    return {
      status: 404,
      slug: "slack-not-set-up",
      title: "Slack commands are not set up for this gateway",
      detail:
        `To enable them, create the secret ${error.secretId} in AWS Secrets Manager holding the Slack app's ` +
        `signing secret as {"signingSecret":"…"}.`,
    };
  }
  return {
    status: error.problem === "unreadable" ? 503 : 500,
    slug: "slack-secret",
    title: "The gateway cannot load its Slack signing secret",
    detail: error.message,
  };
}

function problemResponse(problem: Problem, context: ProblemContext): HttpResult {
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
    headers: { "content-type": "application/problem+json", ...problem.headers },
    body: JSON.stringify(body),
  };
}

/** Errors of the change use cases: conflicts and policy refusals a caller can act on. */
function describeChangeError(error: unknown): Problem | undefined {
  if (error instanceof ChangeInFlightError) {
    const extensions = { changeRequestId: error.changeId };
    return {
      status: 409,
      slug: "change-in-flight",
      title: "A change for this peering is in flight",
      detail: error.message,
      extensions,
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    const extensions = { changeRequestId: error.changeId };
    return {
      status: 422,
      slug: "idempotency-key-reused",
      title: "Idempotency-Key reused",
      detail: error.message,
      extensions,
    };
  }
  if (error instanceof ChangeNotFoundError) {
    return { status: 404, slug: "change-not-found", title: "No such change request", detail: error.message };
  }
  if (error instanceof ChangeEndedError) {
    return { status: 409, slug: "change-ended", title: "The change already ended", detail: error.message };
  }
  if (error instanceof InvalidChangeCursorError) {
    const errors = [{ path: "query.cursor", message: "is not a cursor this listing returned" }];
    return {
      status: 400,
      slug: "validation",
      title: "The request is not valid",
      detail: error.message,
      extensions: { errors },
    };
  }
  if (error instanceof ChangeStoreError) {
    return {
      status: 503,
      slug: "store-unavailable",
      title: "The change store is unavailable",
      detail: "Retry later.",
    };
  }
  if (error instanceof ChangeRefusedError) {
    return {
      status: 422,
      slug: "change-not-updatable",
      title: "Atlas cannot make this change in place",
      detail: error.message,
    };
  }
  if (error instanceof CallbackNotAllowedError) {
    return {
      status: 422,
      slug: "callback-not-allowed",
      title: "Callback URL not allowed",
      detail: error.message,
    };
  }
  return undefined;
}
