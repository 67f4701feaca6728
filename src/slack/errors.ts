import type { CredentialsProblem } from "../atlas/errors.js";
import { GatewayError } from "../errors.js";

/**
 * The Slack app's signing secret could not be had. `missing` means chatops was never set up for this gateway
 * (the secret does not exist): Slack commands are answered 404 and `message` says what to create. The others
 * are a misconfiguration (malformed, not readable by the function) or AWS failing (`unreadable`). The message
 * names the secret's id, never its value.
 */
export class SlackSecretError extends GatewayError {
  constructor(
    readonly problem: CredentialsProblem,
    readonly secretId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
