import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { decideGcra, type GcraPace } from "../../../domain/rateLimit.js";
import type { AtlasRateBudget, BudgetDecision, LearntLimit } from "../../../ports/AtlasRateBudget.js";
import { conditionalWrite, storeRead } from "./errors.js";
import { PK, SK, TTL_ATTRIBUTE } from "./table.js";

/** Rounds of (take from a full bucket, take from a partial one) before giving up; only a refill race loops. */
const MAX_TRIES = 3;
/** A bucket item outlives its last `tat` by this long, then TTL removes it (a full bucket needs no item). */
const KEEP_AFTER_FULL_SECONDS = 3_600;
/** A learnt limit is kept this long, then looked up again. */
export const LEARNT_LIMIT_SECONDS = 3_600;

export interface DynamoDbAtlasBudgetOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * {@link AtlasRateBudget} on the change table. Item `ATLASBUDGET#<key>` / `BUDGET` holds the bucket's GCRA
 * `tat` (see `decideGcra`); a token costs one conditional UpdateItem in the common case, exactly as the
 * per-caller limiter (DynamoDbRateLimiter.ts) does, so containers racing for the last token cannot both get
 * it. Item `ATLASLIMIT#<key>` / `LIMIT` holds the limit learnt from Atlas, with a TTL.
 */
export class DynamoDbAtlasBudget implements AtlasRateBudget {
  constructor(private readonly options: DynamoDbAtlasBudgetOptions) {}

  /** The last `tat` this container saw per bucket: a bucket in use is tried as partial first (one write). */
  readonly #seen = new Map<string, number>();

  async take(key: string, pace: GcraPace, now: number): Promise<BudgetDecision> {
    const { intervalMs: interval, burst } = pace;
    const tolerance = (burst - 1) * interval;
    const fromFull = () =>
      this.update(key, "SET #tat = :tat, #expiresAt = :expiresAt", {
        condition: "attribute_not_exists(#tat) OR #tat <= :now",
        values: { ":tat": now + interval, ":now": now },
        latestTat: now + interval,
      });
    const fromPartial = () =>
      this.update(key, "SET #tat = #tat + :interval, #expiresAt = :expiresAt", {
        condition: "#tat <= :latest",
        values: { ":interval": interval, ":latest": now + tolerance },
        latestTat: now + tolerance + interval,
      });
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      const busy = (this.#seen.get(key) ?? 0) > now;
      const [first, second] = busy ? [fromPartial, fromFull] : [fromFull, fromPartial];
      if ((await first()) || (await second())) return { granted: true };
      const seen = await this.readTat(key);
      if (seen !== undefined) this.note(key, seen);
      // Refilled (or expired) between the two conditions: try again.
      if (seen !== undefined && seen - now > tolerance) {
        const decision = decideGcra(seen, now, pace);
        return decision.allowed
          ? { granted: true }
          : { granted: false, retryAtMs: now + decision.retryAfterMs };
      }
    }
    return { granted: false, retryAtMs: now + Math.max(interval, 100) };
  }

  async holdUntil(key: string, tat: number): Promise<void> {
    await this.update(key, "SET #tat = :tat, #expiresAt = :expiresAt", {
      condition: "attribute_not_exists(#tat) OR #tat < :tat",
      values: { ":tat": tat },
      latestTat: tat,
    });
  }

  async learnt(key: string, now: number): Promise<LearntLimit | undefined> {
    const { Item } = await storeRead("GetItem (Atlas limit)", () =>
      this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: limitKey(key) })),
    );
    if (!Item || typeof Item.learntAt !== "number") return undefined;
    // TTL deletes late: an expired item is treated as absent.
    if (typeof Item[TTL_ATTRIBUTE] === "number" && Item[TTL_ATTRIBUTE] * 1000 < now) return undefined;
    const { capacity, refill, seconds } = Item;
    const limit =
      typeof capacity === "number" && typeof refill === "number" && typeof seconds === "number"
        ? { capacity, refill, seconds }
        : undefined;
    return { perProject: Item.perProject === true, learntAt: Item.learntAt, ...(limit ? { limit } : {}) };
  }

  async remember(key: string, learnt: LearntLimit): Promise<void> {
    await storeRead("PutItem (Atlas limit)", () =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...limitKey(key),
            ...(learnt.limit ?? {}),
            perProject: learnt.perProject,
            learntAt: learnt.learntAt,
            [TTL_ATTRIBUTE]: Math.ceil(learnt.learntAt / 1000) + LEARNT_LIMIT_SECONDS,
          },
        }),
      ),
    );
  }

  /** One conditional UpdateItem; whether its condition held. The `tat` it leaves is remembered. */
  private async update(
    key: string,
    expression: string,
    options: { condition: string; values: Record<string, number>; latestTat: number },
  ): Promise<boolean> {
    let written: unknown;
    const applied = await conditionalWrite("UpdateItem (Atlas budget)", async () => {
      const answer = await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: budgetKey(key),
          UpdateExpression: expression,
          ConditionExpression: options.condition,
          ExpressionAttributeNames: { "#tat": "tat", "#expiresAt": TTL_ATTRIBUTE },
          // The TTL outlives the latest `tat` this write can leave, so a bucket is never forgotten while in use.
          ExpressionAttributeValues: {
            ...options.values,
            ":expiresAt": Math.ceil(options.latestTat / 1000) + KEEP_AFTER_FULL_SECONDS,
          },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      written = answer.Attributes?.tat;
    });
    if (applied && typeof written === "number") this.note(key, written);
    return applied;
  }

  private note(key: string, tat: number): void {
    if (this.#seen.size > 1_000) this.#seen.clear();
    this.#seen.set(key, tat);
  }

  private async readTat(key: string): Promise<number | undefined> {
    const { Item } = await storeRead("GetItem (Atlas budget)", () =>
      this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: budgetKey(key), ConsistentRead: true }),
      ),
    );
    return typeof Item?.tat === "number" ? Item.tat : undefined;
  }
}

/** The key of an Atlas budget's bucket item. */
export function budgetKey(key: string): Record<typeof PK | typeof SK, string> {
  return { [PK]: `ATLASBUDGET#${key}`, [SK]: "BUDGET" };
}

function limitKey(key: string): Record<typeof PK | typeof SK, string> {
  return { [PK]: `ATLASLIMIT#${key}`, [SK]: "LIMIT" };
}
