import { CursorKeyError } from "../../ports/CursorSealer.js";
import { deriveCursorKey } from "../crypto/AesGcmCursorSealer.js";
import type { SecretsManagerSecrets } from "./SecretsManagerSecrets.js";

/** Shorter key material than this is refused: a cursor key must not be guessable. */
const MIN_SECRET_CHARS = 32;

/**
 * The cursor key, derived from the secret `secretId` (`{"key": "<at least 32 characters>"}`; serverless.yml
 * creates one per stack with generated content) and the table name. Read through the shared Secrets Manager
 * cache, and only when a cursor is sealed or opened, so no other route or function pays for it. Without a
 * `secretId` the key is a configuration error (500), never a per-container random key: Lambda serves pages of
 * one listing from different containers, so such a key would break paging at random.
 */
export function secretsManagerCursorKey(
  secrets: Pick<SecretsManagerSecrets, "readJson">,
  secretId: string | undefined,
  tableName: string,
): () => Promise<Buffer> {
  return async () => {
    if (secretId === undefined) {
      throw new CursorKeyError(
        "misconfigured",
        "CURSOR_SECRET_ID is not set: list cursors cannot be sealed. Set it to a secret holding " +
          `{"key": "<${MIN_SECRET_CHARS}+ random characters>"} (serverless.yml creates one per stage).`,
      );
    }
    let value: unknown;
    try {
      value = await secrets.readJson(secretId);
    } catch (error) {
      const kind = (error as { kind?: unknown }).kind === "unavailable" ? "unavailable" : "misconfigured";
      throw new CursorKeyError(kind, `The cursor secret ${secretId} cannot be read.`, { cause: error });
    }
    const key = value && typeof value === "object" ? (value as { key?: unknown }).key : undefined;
    if (typeof key !== "string" || key.length < MIN_SECRET_CHARS) {
      // The message names the secret and the shape expected, never what it holds.
      throw new CursorKeyError(
        "misconfigured",
        `The cursor secret ${secretId} must be {"key": "<${MIN_SECRET_CHARS}+ characters>"}.`,
      );
    }
    return deriveCursorKey(key, tableName);
  };
}
