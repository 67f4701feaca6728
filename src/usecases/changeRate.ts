import type { Caller } from "../access/callers.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { ChangeRateLimiter } from "../ports/ChangeStore.js";

/** The caller sent changes faster than its rate limit allows; nothing was sent to Atlas. */
export class ChangeRateLimitedError extends GatewayError {
  readonly kind: ErrorKind = "rate-limited";
  readonly code = "rate-limited";
  readonly title = "Too many changes";
  /** Whole seconds, at least 1, as `Retry-After` says them. */
  readonly retryAfterSeconds: number;

  constructor(callerId: string, retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`Caller ${callerId} sent changes faster than its rate limit allows; retry in ${seconds} s.`);
    this.retryAfterSeconds = seconds;
  }

  override details(): Record<string, unknown> {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

/**
 * Takes one token from the caller's bucket before a change is recorded or sent, or throws
 * {@link ChangeRateLimitedError}: a runaway script is stopped at the gateway, not at Atlas's limits (which it
 * would spend for every other caller sharing the key).
 */
export async function takeChangeToken(
  caller: Caller,
  deps: { rateLimiter: ChangeRateLimiter; now: () => number },
): Promise<void> {
  const decision = await deps.rateLimiter.take(caller.id, caller.rateLimit, deps.now());
  if (!decision.allowed) throw new ChangeRateLimitedError(caller.id, decision.retryAfterMs);
}
