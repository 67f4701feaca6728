import { type ErrorKind, GatewayError } from "../domain/errors.js";

/** Missing or bad caller credentials. The message never says which part was wrong beyond the scheme. */
export class AuthenticationError extends GatewayError {
  readonly kind: ErrorKind = "unauthenticated";
  readonly code = "unauthenticated";
  readonly title = "Authentication required";
}

/** The caller is known but may not change this project or peer. */
export class ForbiddenError extends GatewayError {
  readonly kind: ErrorKind = "forbidden";
  readonly code = "forbidden";
  readonly title = "Not allowed for this project";
}
