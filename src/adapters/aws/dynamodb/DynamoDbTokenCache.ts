import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type {
  ServiceAccountIdentity,
  SharedToken,
  SharedTokenCache,
} from "../../../ports/SharedTokenCache.js";
import { conditionalWrite, storeRead } from "./errors.js";
import { PK, SK, TTL_ATTRIBUTE } from "./table.js";

export interface DynamoDbTokenCacheOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * {@link SharedTokenCache} on the change table: item `SATOKEN#<hash of Atlas and client id>` / `TOKEN`. The
 * token is sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the client secret, so the item is
 * of no use to anyone who can read the table but not the secret, and a rotated secret simply misses the cache.
 * The item carries the token's expiry as its TTL (the table is encrypted at rest as well); nothing here logs
 * or puts the token or the secret in an error.
 */
export class DynamoDbTokenCache implements SharedTokenCache {
  constructor(private readonly options: DynamoDbTokenCacheOptions) {}

  async get(account: ServiceAccountIdentity, now: number): Promise<SharedToken | undefined> {
    const { Item } = await storeRead("GetItem (token cache)", () =>
      this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: tokenKey(account) })),
    );
    if (!Item || typeof Item.sealed !== "string") return undefined;
    const { renewAt, expiresAtMs } = Item;
    if (typeof renewAt !== "number" || typeof expiresAtMs !== "number" || now >= renewAt) return undefined;
    const value = unseal(Item.sealed, account);
    return value === undefined ? undefined : { value, renewAt, expiresAt: expiresAtMs };
  }

  async put(account: ServiceAccountIdentity, token: SharedToken): Promise<void> {
    // A token that expires sooner than the one stored does not replace it (two cold starts minting at once).
    await conditionalWrite("PutItem (token cache)", () =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...tokenKey(account),
            sealed: seal(token.value, account),
            tokenHash: hashOf(token.value),
            renewAt: token.renewAt,
            expiresAtMs: token.expiresAt,
            [TTL_ATTRIBUTE]: Math.ceil(token.expiresAt / 1000),
          },
          ConditionExpression: "attribute_not_exists(expiresAtMs) OR expiresAtMs < :expires",
          ExpressionAttributeValues: { ":expires": token.expiresAt },
        }),
      ),
    );
  }

  async drop(account: ServiceAccountIdentity, value: string): Promise<void> {
    await conditionalWrite("DeleteItem (token cache)", () =>
      this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: tokenKey(account),
          ConditionExpression: "tokenHash = :hash",
          ExpressionAttributeValues: { ":hash": hashOf(value) },
        }),
      ),
    );
  }
}

/** The item's key names the account by a hash: no client id in the clear either. */
export function tokenKey(account: ServiceAccountIdentity): Record<typeof PK | typeof SK, string> {
  return { [PK]: `SATOKEN#${hashOf(`${account.baseUrl}\0${account.clientId}`)}`, [SK]: "TOKEN" };
}

function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

function sealingKey(account: ServiceAccountIdentity): Buffer {
  const info = `atlas-peering-gateway token cache\0${account.baseUrl}`;
  return Buffer.from(hkdfSync("sha256", account.clientSecret, account.clientId, info, 32));
}

/** `iv.ciphertext.tag`, base64url; the account's id is the additional data, so a sealed token cannot move. */
function seal(value: string, account: ServiceAccountIdentity): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(account), iv);
  cipher.setAAD(Buffer.from(account.clientId));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString("base64url")).join(".");
}

/** The token, or undefined when it was sealed under another secret (rotated) or is damaged. */
function unseal(sealed: string, account: ServiceAccountIdentity): string | undefined {
  const [iv, body, tag] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !body || !tag) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(account), iv);
    decipher.setAAD(Buffer.from(account.clientId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}
