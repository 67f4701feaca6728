import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Server side of HTTP Digest (RFC 7616, MD5, qop=auth) the way Atlas runs it (docs/atlas-api.md §3.1). Nonces
 * are self-validating (issue time + random + HMAC) so an expired nonce can still be recognised as ours and
 * answered with `stale=true` without keeping every nonce ever issued; only the nc values seen per live nonce
 * are stored, which is what replay detection needs.
 */

/** The realm Atlas puts in its challenge. */
export const DIGEST_REALM = "MMS Public API";

/** Configuration of a {@link DigestVerifier}. */
export interface DigestVerifierOptions {
  username: string;
  password: string;
  nonceLifetimeMs: number;
  now: () => number;
}

/** Result of checking an `Authorization` header. `stale` tells the caller which challenge to send back. */
export type DigestOutcome = { ok: true } | { ok: false; stale: boolean; reason: string };

const NONCE_BYTES = 24; // 6 time + 6 random + 12 MAC: base64 gives 32 characters, the length Atlas nonces have
const REQUIRED_PARAMS = ["username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce"] as const;
const PRUNE_THRESHOLD = 256;

/** Parses `Digest k=v, k="v"` into a map; returns undefined when the scheme is not Digest. */
export function parseDigestAuthorization(header: string): Map<string, string> | undefined {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (match === null) return undefined;
  const params = new Map<string, string>();
  // Quoted values may contain commas (a uri with a query string), so a split on "," would be wrong.
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const part of (match[1] ?? "").matchAll(pattern)) {
    const key = (part[1] ?? "").toLowerCase();
    const value = part[2] !== undefined ? part[2].replace(/\\(.)/g, "$1") : (part[3] ?? "");
    params.set(key, value);
  }
  return params;
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Issues Atlas-style challenges and verifies the answers. */
export class DigestVerifier {
  readonly #options: DigestVerifierOptions;
  readonly #secret = randomBytes(32);
  /** nc values already used, per nonce still alive; entries go when their nonce expires. */
  readonly #seen = new Map<string, { issuedAt: number; ncs: Set<number> }>();

  constructor(options: DigestVerifierOptions) {
    this.#options = options;
  }

  /** A `WWW-Authenticate` value with a fresh nonce, byte for byte the shape Atlas sends. */
  challenge(stale: boolean): string {
    const nonce = this.#issueNonce();
    return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
  }

  /** Checks the `Authorization` header of a request whose request-target is `uri` (path and query). */
  verify(method: string, uri: string, authorization: string | undefined): DigestOutcome {
    if (authorization === undefined) return { ok: false, stale: false, reason: "no credentials" };
    const params = parseDigestAuthorization(authorization);
    if (params === undefined) return { ok: false, stale: false, reason: "not a Digest authorization" };
    const problem = this.#shapeProblem(params, uri);
    if (problem !== undefined) return { ok: false, stale: false, reason: problem };
    const nonce = params.get("nonce") ?? "";
    const issuedAt = this.#nonceIssuedAt(nonce);
    if (issuedAt === undefined) return { ok: false, stale: false, reason: "unknown nonce" };
    if (!sameText(params.get("response") ?? "", this.#expectedResponse(method, params))) {
      return { ok: false, stale: false, reason: "wrong credentials" };
    }
    // Stale only after the digest proved the key right: RFC 7616 reserves stale=true for valid credentials.
    if (this.#options.now() - issuedAt > this.#options.nonceLifetimeMs) {
      return { ok: false, stale: true, reason: "nonce expired" };
    }
    return this.#recordNonceCount(nonce, issuedAt, params.get("nc") ?? "");
  }

  /** Forgets the nc values seen so far (nonces stay valid). */
  reset(): void {
    this.#seen.clear();
  }

  #shapeProblem(params: Map<string, string>, uri: string): string | undefined {
    const missing = REQUIRED_PARAMS.find((name) => !params.has(name));
    if (missing !== undefined) return `missing ${missing}`;
    const algorithm = params.get("algorithm");
    if (algorithm !== undefined && algorithm.toUpperCase() !== "MD5") return "unsupported algorithm";
    if (params.get("qop") !== "auth") return "unsupported qop";
    if (params.get("realm") !== DIGEST_REALM) return "wrong realm";
    if (params.get("uri") !== uri) return "uri does not match the request";
    if (!/^[0-9a-f]{8}$/i.test(params.get("nc") ?? "")) return "malformed nc";
    return params.get("username") === this.#options.username ? undefined : "unknown user";
  }

  #expectedResponse(method: string, params: Map<string, string>): string {
    const ha1 = md5(`${this.#options.username}:${DIGEST_REALM}:${this.#options.password}`);
    const ha2 = md5(`${method}:${params.get("uri") ?? ""}`);
    const parts = [ha1, params.get("nonce"), params.get("nc"), params.get("cnonce"), "auth", ha2];
    return md5(parts.join(":"));
  }

  #recordNonceCount(nonce: string, issuedAt: number, ncText: string): DigestOutcome {
    const nc = Number.parseInt(ncText, 16);
    const entry = this.#seen.get(nonce) ?? { issuedAt, ncs: new Set<number>() };
    if (entry.ncs.has(nc)) return { ok: false, stale: false, reason: "replayed nonce count" };
    entry.ncs.add(nc);
    this.#seen.set(nonce, entry);
    if (this.#seen.size > PRUNE_THRESHOLD) this.#pruneExpired();
    return { ok: true };
  }

  #pruneExpired(): void {
    const oldest = this.#options.now() - this.#options.nonceLifetimeMs;
    for (const [nonce, entry] of this.#seen) {
      if (entry.issuedAt < oldest) this.#seen.delete(nonce);
    }
  }

  #issueNonce(): string {
    const head = Buffer.alloc(12);
    head.writeUIntBE(Math.max(0, Math.floor(this.#options.now())) % 2 ** 48, 0, 6);
    randomBytes(6).copy(head, 6);
    return Buffer.concat([head, this.#mac(head)]).toString("base64");
  }

  /** The issue time encoded in one of our nonces, or undefined when the nonce is not ours. */
  #nonceIssuedAt(nonce: string): number | undefined {
    const raw = Buffer.from(nonce, "base64");
    if (raw.length !== NONCE_BYTES || raw.toString("base64") !== nonce) return undefined;
    const head = raw.subarray(0, 12);
    if (!timingSafeEqual(raw.subarray(12), this.#mac(head))) return undefined;
    return head.readUIntBE(0, 6);
  }

  #mac(head: Buffer): Buffer {
    return createHmac("sha256", this.#secret).update(head).digest().subarray(0, 12);
  }
}
