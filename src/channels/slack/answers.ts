import { type ErrorKind, GatewayError } from "../../domain/errors.js";

/**
 * The Slack channel's one table: how a failure is told to whoever typed the command. `tell` answers with an
 * ephemeral message in their own words (they can act on it); `fail` lets the error through, so the gateway's
 * own failures are answered as a 5xx problem (Slack shows that the command failed, and the alarms see it).
 */
export const SLACK_ANSWER_BY_KIND: Record<ErrorKind, "tell" | "fail"> = {
  invalid: "tell",
  unauthenticated: "tell",
  forbidden: "tell",
  "not-found": "tell",
  conflict: "tell",
  refused: "tell",
  "rate-limited": "tell",
  unavailable: "fail",
  misconfigured: "fail",
};

/** The sentence Slack shows for an error it tells, or undefined when the error must fail the request. */
export function slackRefusalText(error: unknown): string | undefined {
  if (!(error instanceof GatewayError) || SLACK_ANSWER_BY_KIND[error.kind] === "fail") return undefined;
  return `${error.title}: ${error.detail}`;
}
