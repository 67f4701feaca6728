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

/**
 * What names one signed request for the replay guard: the caller and everything the signature covers, the body
 * by its SHA-256. It holds no signature, so every subset or reordering of a multi-signature header names the
 * same request, and nothing in it can be sent again as a credential. JSON keeps the parts unambiguous (a caller
 * id or path holding `:` cannot shift one part into the next).
 *
 * @example
 * signedRequestKey("ci-pipeline", { timestamp: "1700000000", method: "POST", pathWithQuery: "/v1/peering-changes", body: "{}" })
 * // '["v1","ci-pipeline","1700000000","POST","/v1/peering-changes","44136fa3…"]'
 */
export function signedRequestKey(callerId: string, parts: SignedParts): string {
  const bodySha256 = createHash("sha256").update(parts.body).digest("hex");
  const method = parts.method.toUpperCase();
  return JSON.stringify(["v1", callerId, parts.timestamp, method, parts.pathWithQuery, bodySha256]);
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
