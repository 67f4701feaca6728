/**
 * The AWS error code of a failed SDK call: SDK v3 throws service errors whose `name` is the code
 * (`UnauthorizedOperation`, `InvalidStateTransition`) and which carry `$metadata`; anything else (a refused
 * socket, a timeout) is the network's fault and reads as `network`.
 */
export interface AwsFailure {
  code: string;
  /** AWS's message, shortened (an UnauthorizedOperation carries a long encoded authorization message). */
  message: string;
}

const MESSAGE_LIMIT = 240;

export function awsFailureOf(error: unknown): AwsFailure {
  if (error instanceof Error && "$metadata" in error && error.name !== "Error") {
    return { code: error.name, message: shorten(error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "network", message: shorten(message) };
}

/** Access key ids (AKIA… long-term, ASIA… temporary): an error message may name the caller's. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;

/** The message without access key ids, cut to a length a history entry can hold. */
function shorten(message: string): string {
  const clean = message.replace(ACCESS_KEY_ID, "<access key id>");
  return clean.length <= MESSAGE_LIMIT ? clean : `${clean.slice(0, MESSAGE_LIMIT)}…`;
}
