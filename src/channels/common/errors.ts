import { type ErrorKind, GatewayError } from "../../domain/errors.js";

/**
 * An error of the HTTP channel itself (the body, the route): it keeps the exact status HTTP has for it
 * (413, 415, 405…) and may add response headers. Errors from inside the gateway are answered by kind.
 */
export abstract class HttpProblemError extends GatewayError {
  abstract readonly status: number;
  /** Extra response headers (e.g. `Allow`). */
  headers(): Record<string, string> {
    return {};
  }
}

export class MalformedJsonError extends HttpProblemError {
  readonly kind: ErrorKind = "invalid";
  readonly status = 400;
  readonly code = "malformed-json";
  readonly title = "The body is not valid JSON";
}

export class UnsupportedMediaTypeError extends HttpProblemError {
  readonly kind: ErrorKind = "invalid";
  readonly status = 415;
  readonly code = "unsupported-media-type";
  readonly title = "The body must be JSON";
}

export class PayloadTooLargeError extends HttpProblemError {
  readonly kind: ErrorKind = "invalid";
  readonly status = 413;
  readonly code = "payload-too-large";
  readonly title = "The body is too large";
}

export class RouteNotFoundError extends HttpProblemError {
  readonly kind: ErrorKind = "not-found";
  readonly status = 404;
  readonly code = "not-found";
  readonly title = "No such route";
}

export class MethodNotAllowedError extends HttpProblemError {
  readonly kind: ErrorKind = "not-found";
  readonly status = 405;
  readonly code = "method-not-allowed";
  readonly title = "Method not allowed";
  constructor(readonly allowed: string[]) {
    super(`Use ${allowed.join(", ")} on this path.`);
  }
  override headers(): Record<string, string> {
    return { Allow: this.allowed.join(", ") };
  }
}
