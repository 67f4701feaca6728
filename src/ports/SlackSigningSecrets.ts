import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { CredentialsProblem } from "./AtlasCredentialSource.js";

/** The Slack app's signing secret(s): one, or several while it is rotated. */
export type SlackSigningSecrets = () => Promise<string[]>;
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

  /** A secret that does not exist means chatops was never set up: a missing feature, not a failure. */
  get kind(): ErrorKind {
    if (this.problem === "missing") return "not-found";
    return this.problem === "unreadable" ? "unavailable" : "misconfigured";
  }

  get code(): string {
    return this.problem === "missing" ? "slack-not-set-up" : "slack-secret";
  }

  get title(): string {
    return this.problem === "missing"
      ? "Slack commands are not set up for this gateway"
      : "The gateway cannot load its Slack signing secret";
  }

  override get detail(): string {
    if (this.problem !== "missing") return this.message;
    if (this.secretId === "") {
      return (
        "To enable them, set SLACK_SIGNING_SECRET_ID to a secret in AWS Secrets Manager holding the Slack " +
        `app's signing secret as {"signingSecret":"…"}.`
      );
    }
    return (
      `To enable them, create the secret ${this.secretId} in AWS Secrets Manager holding the Slack app's ` +
      `signing secret as {"signingSecret":"…"}.`
    );
  }
}
