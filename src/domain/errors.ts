/**
 * What went wrong, in words every channel understands. Each channel answers by kind with one small table
 * (HTTP: status and problem type; Slack: a message; EventBridge: reject or retry), so an error class needs no
 * channel code of its own, and the compiler refuses an error without a kind.
 *
 * - `invalid`: the request breaks a rule (fix it and send again);
 * - `unauthenticated`: no or bad credentials; `forbidden`: known caller, not allowed this;
 * - `not-found`: no such thing (or not visible to the caller); `conflict`: the state forbids it now;
 * - `refused`: valid, but the gateway or Atlas will not do it (policy, Atlas's own rules);
 * - `rate-limited`: the caller sent too many changes too fast (wait, then send again);
 * - `unavailable`: a dependency failed, retrying later may work (never the caller's fault);
 * - `misconfigured`: the gateway's own setup is wrong, an operator must act (never the caller's fault).
 */
export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "refused"
  | "rate-limited"
  | "unavailable"
  | "misconfigured";

export const ERROR_KINDS: readonly ErrorKind[] = [
  "invalid",
  "unauthenticated",
  "forbidden",
  "not-found",
  "conflict",
  "refused",
  "rate-limited",
  "unavailable",
  "misconfigured",
];

/**
 * The root of the gateway's error hierarchy. Every error the gateway raises on purpose extends it, keeps the
 * foreign error it wraps as `cause`, and never carries a credential in its message. `kind` says how channels
 * answer; `code` is stable and machine-readable (the HTTP problem type, the Slack and EventBridge reason);
 * `title` is a short human summary.
 */
export abstract class GatewayError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly code: string;
  abstract readonly title: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** What a caller may be shown: the message, unless the class keeps its internals to itself. */
  get detail(): string {
    return this.message;
  }

  /** Extra members that are safe to show the caller (an HTTP problem's extensions). */
  details(): Record<string, unknown> {
    return {};
  }
}
