import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The parts of a request a gateway signature covers. */
export interface SignedParts {
  timestamp: string;
  method: string;
  /** The raw path with its raw query string, e.g. `/v1/peering-changes?x=1`. */
  pathWithQuery: string;
  body: Buffer | string;
}

/**
 * The signature a caller sends in `X-Gateway-Signature`:
 * `v1=` + hex HMAC-SHA256(secret, `v1:{timestamp}:{METHOD}:{path with query}:{raw body}`).
 *
 * @example
 * signRequest("s3cret…", { timestamp: "1700000000", method: "POST", pathWithQuery: "/v1/peering-changes", body: "{}" })
 */
export function signRequest(secret: string, parts: SignedParts): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`v1:${parts.timestamp}:${parts.method.toUpperCase()}:${parts.pathWithQuery}:`);
  hmac.update(parts.body);
  return `v1=${hmac.digest("hex")}`;
}

/** Constant-time comparison of two strings of any length (hashing first equalises the lengths). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** SHA-256 hex of a bearer token, the only form the registry stores. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
