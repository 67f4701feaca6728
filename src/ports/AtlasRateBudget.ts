import type { AtlasRateLimit } from "../domain/atlasBudget.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { GcraPace } from "../domain/rateLimit.js";

/** Whether a request may go to Atlas now, or when the budget's next token is due (epoch ms). */
export type BudgetDecision = { granted: true } | { granted: false; retryAtMs: number };

/** What the gateway learnt about one Atlas rate limit, shared by every container. */
export interface LearntLimit {
  /** Undefined: the key may not read `GET /rateLimits` (or Atlas listed nothing), so only answers pace it. */
  limit?: AtlasRateLimit;
  /** Atlas keeps this limit per project: the budget is kept per project too. */
  perProject: boolean;
  /** When it was learnt (epoch ms); it is looked up again after a while (Atlas may change an override). */
  learntAt: number;
}

/**
 * The Atlas rate budget every Lambda container draws from (one token bucket per Atlas credential, and per
 * project where Atlas scopes by project). `key` names the bucket; it is derived from the credential's id,
 * never from a secret.
 */
export interface AtlasRateBudget {
  /** Takes one token from bucket `key`, paced by `pace`; or says when the next one is due. */
  take(key: string, pace: GcraPace, now: number): Promise<BudgetDecision>;
  /** Moves the bucket's `tat` to at least `tat` (an Atlas answer said it holds fewer tokens than the budget). */
  holdUntil(key: string, tat: number): Promise<void>;
  /** The limit learnt for `key` (a credential and project), if any container learnt it and it has not expired. */
  learnt(key: string, now: number): Promise<LearntLimit | undefined>;
  /** Shares what was learnt, so the other containers need not ask Atlas again. */
  remember(key: string, learnt: LearntLimit): Promise<void>;
}

/**
 * The shared Atlas rate budget had no token for a request, so it was not sent (Atlas did not see it). The
 * message names the time the next token is due; nothing about the credential.
 */
export class AtlasBudgetEmptyError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "atlas-rate-budget";
  readonly title: string = "The gateway's Atlas rate budget is spent for now";
  /**
   * Whole seconds, at least 1, from when the budget said no (`decidedAt`, the client's clock) to the next
   * token: the `Retry-After` of the 503 a caller gets, without the channel needing a clock of its own.
   */
  readonly retryAfterSeconds: number;

  constructor(
    readonly retryAtMs: number,
    decidedAt: number,
  ) {
    super(`Atlas budget empty: not sent, next token at ${new Date(retryAtMs).toISOString()}.`);
    this.retryAfterSeconds = Math.max(1, Math.ceil((retryAtMs - decidedAt) / 1000));
  }
}
