import { GatewayError } from "../errors.js";

/** Why the Atlas keys could not be had. `unreadable` may heal on retry; the others need an operator. */
export type CredentialsProblem = "missing" | "malformed" | "unreadable" | "not-configured";

/**
 * The gateway could not load the Atlas keys for a project. The message names the problem and the secret's
 * *id*, never its value.
 */
export class AtlasCredentialsError extends GatewayError {
  constructor(
    readonly problem: CredentialsProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Atlas's answer when it refuses a request: its own status and error body, as sent. */
export interface AtlasErrorBody {
  error?: number;
  errorCode?: string;
  detail?: string;
  reason?: string;
  parameters?: unknown[];
}

/**
 * Atlas could not be reached or kept failing (429/5xx/network) until the retry budget ran out. `status` is
 * Atlas's last status, absent when no answer came at all.
 */
export class AtlasUnavailableError extends GatewayError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Parses an Atlas error body leniently: Atlas errors are JSON, but a proxy in between may answer HTML. */
export function parseAtlasErrorBody(body: string): AtlasErrorBody | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as AtlasErrorBody)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Atlas's OAuth token endpoint did not give the service account a token. `retryable`: it may succeed later
 * (429 rate limit, 5xx); otherwise Atlas refused the account itself (wrong or revoked secret, token quota) and
 * an operator must act. `retryAfterMs` is the token endpoint's `Retry-After`, when it sent one. The message
 * names the status and OAuth/Atlas error code only: never the client secret, the token or the answer's text.
 */
export class TokenEndpointError extends GatewayError {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
