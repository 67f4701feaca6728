import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { decideRate, type RateDecision, type RateLimit } from "../../../domain/rateLimit.js";
import type { ChangeRateLimiter } from "../../../ports/ChangeStore.js";
import { conditionalWrite, storeRead } from "./errors.js";
import { PK, SK, TTL_ATTRIBUTE } from "./table.js";

/** Lost races retried before the request is answered as limited (the bucket is busy, so it is nearly empty). */
const MAX_TRIES = 10;
/** Up to this many ms of jitter between tries, so racing containers do not keep colliding. */
const RETRY_JITTER_MS = 10;
/** The item outlives its last use by this long, then TTL removes it (a full bucket needs no item). */
const KEEP_AFTER_FULL_SECONDS = 3_600;

export interface DynamoDbRateLimiterOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** For callers without a `rateLimit` of their own in the registry. */
  defaultLimit: RateLimit;
}

/**
 * {@link ChangeRateLimiter} on the change table: item `RATE#<callerId>` / `RATE` holds the bucket's `tat`
 * (see `decideRate`). It is read consistently, decided, and written back by an UpdateItem conditional on the
 * `tat` it read, so two containers taking the same caller's last token cannot both have it: the loser reads
 * again. No transaction is needed: one item, one attribute.
 */
export class DynamoDbRateLimiter implements ChangeRateLimiter {
  constructor(private readonly options: DynamoDbRateLimiterOptions) {}

  async take(callerId: string, limit: RateLimit | undefined, now: number): Promise<RateDecision> {
    const bucket = limit ?? this.options.defaultLimit;
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      const seen = await this.readTat(callerId);
      const decision = decideRate(seen, now, bucket);
      if (!decision.allowed) return decision;
      if (await this.writeTat(callerId, seen, decision.nextTat)) return decision;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS * attempt));
    }
    return { allowed: false, retryAfterMs: 1_000 };
  }

  private async readTat(callerId: string): Promise<number | undefined> {
    const { Item } = await storeRead("GetItem (rate limit)", () =>
      this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: rateKey(callerId), ConsistentRead: true }),
      ),
    );
    return typeof Item?.tat === "number" ? Item.tat : undefined;
  }

  private writeTat(callerId: string, seen: number | undefined, tat: number): Promise<boolean> {
    const condition = seen === undefined ? "attribute_not_exists(#pk)" : "#tat = :seen";
    return conditionalWrite("UpdateItem (rate limit)", () =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: rateKey(callerId),
          UpdateExpression: "SET #tat = :tat, #expiresAt = :expiresAt",
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            "#tat": "tat",
            "#expiresAt": TTL_ATTRIBUTE,
            ...(seen === undefined ? { "#pk": PK } : {}),
          },
          ExpressionAttributeValues: {
            ":tat": tat,
            ":expiresAt": Math.ceil(tat / 1000) + KEEP_AFTER_FULL_SECONDS,
            ...(seen === undefined ? {} : { ":seen": seen }),
          },
        }),
      ),
    );
  }
}

/** The key of a caller's rate-limit bucket. */
export function rateKey(callerId: string): Record<typeof PK | typeof SK, string> {
  return { [PK]: `RATE#${callerId}`, [SK]: "RATE" };
}
