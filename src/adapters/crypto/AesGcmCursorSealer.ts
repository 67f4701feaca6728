/**
 * {@link CursorSealer} with AES-256-GCM: the store's position is the plaintext, so a cursor shows nothing of
 * the ids and times in it; the caller and the query are the associated data, so the tag only verifies for the
 * scope the cursor was sealed for. A cursor is base64url(version ‖ 12-byte random IV ‖ ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { InvalidChangeCursorError } from "../../ports/ChangeStore.js";
import type { CursorScope, CursorSealer } from "../../ports/CursorSealer.js";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** HKDF `info`: the derived key serves cursors only, whatever else the secret might one day be used for. */
const KEY_PURPOSE = "atlas-peering-gateway list cursors v1";

/**
 * The 32-byte cursor key from the deployment's cursor secret, salted with the table name, so stages (or
 * tables) never share a key even if someone copies one secret to another.
 */
export function deriveCursorKey(secret: string, tableName: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, tableName, KEY_PURPOSE, KEY_BYTES));
}

export class AesGcmCursorSealer implements CursorSealer {
  /** `key` is asked for on each seal or open (its source caches); it must give 32 bytes. */
  constructor(private readonly key: () => Promise<Uint8Array>) {}

  async seal(position: string, scope: CursorScope): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", await this.keyBytes(), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(scope));
    const sealed = Buffer.concat([cipher.update(position, "utf8"), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, sealed, cipher.getAuthTag()]).toString("base64url");
  }

  async open(cursor: string, scope: CursorScope): Promise<string> {
    // The key is loaded outside the try: a key that cannot be had is the gateway's fault, not a bad cursor.
    const key = await this.keyBytes();
    const bytes = BASE64URL.test(cursor) ? Buffer.from(cursor, "base64url") : Buffer.alloc(0);
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION)
      throw new InvalidChangeCursorError();
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(scope));
      decipher.setAuthTag(tag);
      const body = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      // Never attach the crypto error: the answer is the same for every cursor that does not verify.
      throw new InvalidChangeCursorError();
    }
  }

  private async keyBytes(): Promise<Uint8Array> {
    const key = await this.key();
    if (key.length !== KEY_BYTES) throw new RangeError(`A cursor key is ${KEY_BYTES} bytes.`);
    return key;
  }
}

/**
 * The scope as unambiguous bytes: a JSON array (so no field can bleed into the next), the query's entries
 * sorted by name and an absent filter written as null, so `peerId` absent and `peerId=""` differ.
 */
function associatedData(scope: CursorScope): Buffer {
  const query = Object.keys(scope.query)
    .sort()
    .map((name) => [name, scope.query[name] ?? null]);
  return Buffer.from(JSON.stringify([VERSION, scope.listing, scope.callerId, query]), "utf8");
}
