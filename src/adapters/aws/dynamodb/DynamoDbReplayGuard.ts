import { createHash } from "node:crypto";
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ReplayGuard } from "../../../ports/ReplayGuard.js";
import { conditionalWrite } from "./errors.js";
import { PK, replayKey, TTL_ATTRIBUTE } from "./table.js";

export interface DynamoDbReplayGuardOptions {
  /** Made by `createDocumentClient`. */
  client: DynamoDBDocumentClient;
  /** The change table: seen requests are one more kind of item on it (see `table.ts`). */
  tableName: string;
}

/**
 * {@link ReplayGuard} on the change table. "Seen" is decided by one conditional Put, so of any number of
 * concurrent copies of one signed request, DynamoDB lets exactly one through. The item holds only the SHA-256
 * of the request key and when it expires (also its TTL): nothing in it could be sent again.
 */
export class DynamoDbReplayGuard implements ReplayGuard {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbReplayGuardOptions) {
    this.doc = options.client;
    this.tableName = options.tableName;
  }

  /**
   * Stores the request's key hash unless a live entry exists. An expired entry counts as absent even before DynamoDB's
   * TTL sweep deletes it (that can take days), hence `expiresAt < :now`. An `expiresAtSeconds` already past is
   * kept until `nowSeconds`, so the same request sent again within the same second is still refused.
   * DynamoDB failures other than the lost condition throw a `ChangeStoreError`.
   */
  async firstSeen(requestKey: string, expiresAtSeconds: number, nowSeconds: number): Promise<boolean> {
    const hash = createHash("sha256").update(requestKey, "utf8").digest("hex");
    const input = {
      TableName: this.tableName,
      Item: { ...replayKey(hash), [TTL_ATTRIBUTE]: Math.max(expiresAtSeconds, nowSeconds) },
      ConditionExpression: "attribute_not_exists(#pk) OR #expiresAt < :now",
      ExpressionAttributeNames: { "#pk": PK, "#expiresAt": TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ":now": nowSeconds },
    };
    return conditionalWrite("PutItem (seen signed request)", () => this.doc.send(new PutCommand(input)));
  }
}
