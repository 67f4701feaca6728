import type { FieldViolation } from "../domain/validation.js";
import { GatewayError } from "../errors.js";

/**
 * An error whose status and message are safe to show the caller (middy's `expose` idea): everything
 * that extends it is a 4xx or a deliberate 5xx with a message written for the caller.
 */
export abstract class HttpProblemError extends GatewayError {
  abstract readonly status: number;
  abstract readonly slug: string;
  abstract readonly title: string;
  /** Extra RFC 9457 extension members, already safe to expose. */
  extensions(): Record<string, unknown> {
    return {};
  }
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers(): Record<string, string> {
    return {};
  }
}

/** The request broke one or more rules; every broken rule is listed. */
export class RequestValidationError extends HttpProblemError {
  readonly status = 400;
  readonly slug = "validation";
  readonly title = "The request is not valid";
  constructor(readonly errors: FieldViolation[]) {
    super(`${errors.length} field(s) are not valid: ${errors.map((e) => e.path || "(body)").join(", ")}`);
  }
  override extensions(): Record<string, unknown> {
    return { errors: this.errors };
  }
}

export class MalformedJsonError extends HttpProblemError {
  readonly status = 400;
  readonly slug = "malformed-json";
  readonly title = "The body is not valid JSON";
}

export class UnsupportedMediaTypeError extends HttpProblemError {
  readonly status = 415;
  readonly slug = "unsupported-media-type";
  readonly title = "The body must be JSON";
}

export class PayloadTooLargeError extends HttpProblemError {
  readonly status = 413;
  readonly slug = "payload-too-large";
  readonly title = "The body is too large";
}

/** Missing or bad caller credentials. The message never says which part was wrong beyond the scheme. */
export class AuthenticationError extends HttpProblemError {
  readonly status = 401;
  readonly slug = "unauthenticated";
  readonly title = "Authentication required";
  override headers(): Record<string, string> {
    return { "WWW-Authenticate": 'Bearer realm="atlas-peering-gateway"' };
  }
}

/** The caller is known but may not change this project or peer. */
export class ForbiddenError extends HttpProblemError {
  readonly status = 403;
  readonly slug = "forbidden";
  readonly title = "Not allowed for this project";
}

export class RouteNotFoundError extends HttpProblemError {
  readonly status = 404;
  readonly slug = "not-found";
  readonly title = "No such route";
}

export class MethodNotAllowedError extends HttpProblemError {
  readonly status = 405;
  readonly slug = "method-not-allowed";
  readonly title = "Method not allowed";
  constructor(readonly allowed: string[]) {
    super(`Use ${allowed.join(", ")} on this path.`);
  }
  override headers(): Record<string, string> {
    return { Allow: this.allowed.join(", ") };
  }
}
