import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { decideRate, type RateDecision, type RateLimit } from "../../../domain/rateLimit.js";
import type { ChangeRateLimiter } from "../../../ports/ChangeStore.js";
import { conditionalWrite, storeRead } from "./errors.js";
import { PK, SK, TTL_ATTRIBUTE } from "./table.js";

/** Rounds of (take from a full bucket, take from a partial one) before giving up; only a refill race loops. */
const MAX_TRIES = 3;
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
 * (see `decideRate`). A change costs one conditional UpdateItem in the common case, with no read first:
 * - a full bucket (`tat` absent or past): `tat = now + interval`, on condition that it is still full;
 * - otherwise `tat = tat + interval`, on condition that `tat` is within the burst tolerance of now.
 * DynamoDB applies each atomically, so containers racing for a caller's last token cannot both get it. Only a
 * refusal reads the item, to say how long to wait. The arithmetic is `decideRate`'s, spelt as conditions.
 */
export class DynamoDbRateLimiter implements ChangeRateLimiter {
  constructor(private readonly options: DynamoDbRateLimiterOptions) {}

  async take(callerId: string, limit: RateLimit | undefined, now: number): Promise<RateDecision> {
    const bucket = limit ?? this.options.defaultLimit;
    const interval = 60_000 / bucket.perMinute;
    const tolerance = (bucket.burst - 1) * interval;
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      const fromFull = await this.update(callerId, "SET #tat = :tat, #expiresAt = :expiresAt", {
        condition: "attribute_not_exists(#tat) OR #tat <= :now",
        values: { ":tat": now + interval, ":now": now },
        latestTat: now + interval,
      });
      if (fromFull !== undefined) return { allowed: true, nextTat: fromFull };
      const fromPartial = await this.update(
        callerId,
        "SET #tat = #tat + :interval, #expiresAt = :expiresAt",
        {
          condition: "#tat <= :latest",
          values: { ":interval": interval, ":latest": now + tolerance },
          latestTat: now + tolerance + interval,
        },
      );
      if (fromPartial !== undefined) return { allowed: true, nextTat: fromPartial };
      const seen = await this.readTat(callerId);
      // Refilled (or expired) between the two conditions: try again.
      if (seen !== undefined && seen - now > tolerance) return decideRate(seen, now, bucket);
    }
    return { allowed: false, retryAfterMs: 1_000 };
  }

  /** One conditional UpdateItem; the new `tat`, or undefined when its condition did not hold. */
  private async update(
    callerId: string,
    expression: string,
    options: { condition: string; values: Record<string, number>; latestTat: number },
  ): Promise<number | undefined> {
    let written: number | undefined;
    const applied = await conditionalWrite("UpdateItem (rate limit)", async () => {
      const answer = await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: rateKey(callerId),
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
      written = typeof answer.Attributes?.tat === "number" ? answer.Attributes.tat : undefined;
    });
    return applied ? (written ?? options.latestTat) : undefined;
  }

  private async readTat(callerId: string): Promise<number | undefined> {
    const { Item } = await storeRead("GetItem (rate limit)", () =>
      this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: rateKey(callerId), ConsistentRead: true }),
      ),
    );
    return typeof Item?.tat === "number" ? Item.tat : undefined;
  }
}

/** The key of a caller's rate-limit bucket. */
export function rateKey(callerId: string): Record<typeof PK | typeof SK, string> {
  return { [PK]: `RATE#${callerId}`, [SK]: "RATE" };
}
