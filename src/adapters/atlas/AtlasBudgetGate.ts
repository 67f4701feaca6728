import { createHash } from "node:crypto";
import { type AtlasRateLimit, budgetPace, tatFloor } from "../../domain/atlasBudget.js";
import type { GcraPace } from "../../domain/rateLimit.js";
import { retryAfterMs } from "../../domain/retryAfter.js";
import type { AtlasCredentials } from "../../ports/AtlasCredentialSource.js";
import type { AtlasRateBudget, BudgetDecision, LearntLimit } from "../../ports/AtlasRateBudget.js";
import type { HttpResponse } from "../../ports/HttpTransport.js";

/** How the gateway sizes its Atlas budget (`ATLAS_RATE_BUDGET`, `ATLAS_RATE_BUDGET_GUARD_MS`). */
export interface AtlasBudgetSettings {
  /** Used while Atlas's own figures cannot be read (`GET /rateLimits` refused or empty). */
  fallback?: AtlasRateLimit;
  /** Added to each refill period (see `budgetPace`). */
  guardMs: number;
}

/** A container asks the shared store for the learnt limit at most this often. */
const LOCAL_MEMORY_MS = 5 * 60_000;
/** A learnt limit older than this is looked up again (Atlas may have set an override since). */
const RELEARN_AFTER_MS = 60 * 60_000;
/** A 429 without Retry-After holds the budget this long (Atlas advises waiting 10 s, then doubling). */
const BARE_429_HOLD_MS = 10_000;
/** With no limit known, the budget only carries Atlas's Retry-After across containers. */
const UNPACED: GcraPace = { intervalMs: 0, burst: 1 };

/** Who and where a request goes: the bucket it draws from follows from these. */
export interface BudgetTarget {
  credentials: AtlasCredentials;
  baseUrl: string;
  groupId: string;
}

/**
 * The Atlas client's side of the shared budget: which bucket a request draws from (one per credential, and
 * per project when Atlas limits per project), how big it is (learnt once per hour per credential and project
 * from `GET /rateLimits` and shared through the store; else `fallback`), and what Atlas's answers teach it.
 * A store failure lets the request through (`onError` is told): the budget prevents 429s, it must not become
 * an outage of its own; the client's retries still honour Atlas's Retry-After.
 */
export class AtlasBudgetGate {
  readonly #local = new Map<string, { learnt: Promise<LearntLimit>; until: number }>();

  constructor(
    private readonly budget: AtlasRateBudget,
    private readonly settings: AtlasBudgetSettings,
    private readonly inspect: (target: BudgetTarget, now: number) => Promise<LearntLimit>,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** One token for a request to `target`, or when the next is due. */
  async take(target: BudgetTarget): Promise<BudgetDecision> {
    try {
      const { key, pace } = await this.#bucket(target);
      return await this.budget.take(key, pace, this.now());
    } catch (error) {
      this.onError(error);
      return { granted: true };
    }
  }

  /** Shares what Atlas's answer says about its bucket: Retry-After, RateLimit-Remaining. */
  async observe(target: BudgetTarget, answer: Pick<HttpResponse, "status" | "headers">): Promise<void> {
    try {
      const now = this.now();
      const { key, pace, limit } = await this.#bucket(target);
      const floor = tatFloor(lessonsOf(answer, now), now, pace, limit);
      if (floor !== undefined) await this.budget.holdUntil(key, floor);
    } catch (error) {
      this.onError(error);
    }
  }

  async #bucket(target: BudgetTarget) {
    const credential = credentialId(target);
    const learnt = await this.#learnt(`${credential}#${target.groupId}`, target);
    const limit = learnt.limit ?? this.settings.fallback;
    const pace = limit ? budgetPace(limit, this.settings.guardMs) : UNPACED;
    const key = learnt.perProject ? `${credential}#${target.groupId}` : credential;
    return { key, pace, limit };
  }

  /** The limit for a credential and project: this container's memory, the shared store, or Atlas. */
  #learnt(limitKey: string, target: BudgetTarget): Promise<LearntLimit> {
    const now = this.now();
    const remembered = this.#local.get(limitKey);
    if (remembered && remembered.until > now) return remembered.learnt;
    const learnt = this.#lookUp(limitKey, target, now);
    // Concurrent calls of a cold container share one lookup; a failed one is forgotten at once.
    this.#local.set(limitKey, { learnt, until: now + LOCAL_MEMORY_MS });
    learnt.catch(() => this.#local.delete(limitKey));
    return learnt;
  }

  async #lookUp(limitKey: string, target: BudgetTarget, now: number): Promise<LearntLimit> {
    const shared = await this.budget.learnt(limitKey, now);
    if (shared && now - shared.learntAt < RELEARN_AFTER_MS) return shared;
    const learnt = await this.inspect(target, now);
    // Not awaited: the call waiting for its token need not wait for the other containers' copy too.
    this.budget.remember(limitKey, learnt).catch(this.onError);
    return learnt;
  }
}

/** What an answer says about Atlas's bucket; a 429 without Retry-After still holds the budget a while. */
function lessonsOf(answer: Pick<HttpResponse, "status" | "headers">, now: number) {
  const wait =
    retryAfterMs(answer.headers["retry-after"], now) ??
    (answer.status === 429 ? BARE_429_HOLD_MS : undefined);
  const remaining = Number.parseInt(answer.headers["ratelimit-remaining"] ?? "", 10);
  return {
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
    ...(Number.isNaN(remaining) ? {} : { remaining }),
  };
}

/** The credential's id (kind, Atlas, public key or client id), hashed: a bucket key never holds a secret. */
function credentialId(target: BudgetTarget): string {
  const { credentials } = target;
  const id = credentials.kind === "apiKey" ? credentials.publicKey : credentials.clientId;
  return createHash("sha256")
    .update(`${credentials.kind}\0${target.baseUrl}\0${id}`)
    .digest("base64url")
    .slice(0, 32);
}
