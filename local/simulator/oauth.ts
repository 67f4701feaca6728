import { randomBytes, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { JSON_TYPE, sendJson } from "./respond.js";

/**
 * Service accounts (OAuth 2.0 client credentials, docs/atlas-api.md §3.2): the token endpoint's logic and the
 * check of the bearer tokens it issued. Tokens are random strings remembered until they expire; Atlas's are
 * JWTs, but a client must treat them as opaque anyway.
 */

/** Where Atlas issues tokens. */
export const TOKEN_PATH = "/api/oauth/token";

/**
 * Token requests per minute Atlas allows (docs/atlas-api.md §2.3);
 * what a 429 fault on the token endpoint reports.
 */
export const TOKEN_RATE_LIMIT = 10;

/** Atlas allows this many unexpired tokens per service account (docs/atlas-api.md §3.2). */
export const MAX_ACTIVE_TOKENS = 100;

/** Configuration of a {@link TokenIssuer}. */
export interface TokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  lifetimeSeconds: number;
  /** Unexpired tokens allowed at once; default {@link MAX_ACTIVE_TOKENS}. */
  maxActiveTokens?: number;
  now: () => number;
}

/** The token endpoint's answer: status and OAuth body (RFC 6749 §5.1 / §5.2). */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** The token request, as the server read it. */
export interface TokenRequest {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

// RFC 6749 §5.1: token answers must not be cached by anything in between.
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };
// RFC 6749 §5.2: a 401 to Basic client authentication names the scheme. The realm is a guess.
const BASIC_CHALLENGE = { "WWW-Authenticate": 'Basic realm="MongoDB Atlas"' };

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function oauthError(
  status: number,
  error: string,
  headers: Record<string, string> = {},
  description?: string,
): TokenAnswer {
  const body = description === undefined ? { error } : { error, error_description: description };
  return { status, body, headers: { ...NO_STORE, ...headers } };
}

/** Atlas's words when a service account holds as many tokens as it may (docs/atlas-api.md §3.2). */
export const TOKEN_LIMIT_DESCRIPTION =
  "Access Token limit reached. Please use the existing Access Tokens or create a new Service Account.";

/** Issues tokens for one service account and recognises them on API requests. */
export class TokenIssuer {
  readonly #options: TokenIssuerOptions;
  /** Token → expiry (simulator clock). */
  readonly #tokens = new Map<string, number>();

  constructor(options: TokenIssuerOptions) {
    this.#options = options;
  }

  /** Answers a token request. */
  issue(request: TokenRequest): TokenAnswer {
    if (request.method !== "POST") return oauthError(405, "invalid_request", { Allow: "POST" });
    if (!(request.contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request");
    }
    if (!this.#clientAuthenticated(request.authorization))
      return oauthError(401, "invalid_client", BASIC_CHALLENGE);
    if (new URLSearchParams(request.body).get("grant_type") !== "client_credentials") {
      return oauthError(400, "unsupported_grant_type");
    }
    this.#forgetExpired();
    if (this.#tokens.size >= (this.#options.maxActiveTokens ?? MAX_ACTIVE_TOKENS)) {
      return oauthError(403, "access_denied", {}, TOKEN_LIMIT_DESCRIPTION);
    }
    const token = randomBytes(32).toString("base64url");
    const lifetime = this.#options.lifetimeSeconds;
    this.#tokens.set(token, this.#options.now() + lifetime * 1000);
    return {
      status: 200,
      body: { access_token: token, token_type: "Bearer", expires_in: lifetime },
      headers: NO_STORE,
    };
  }

  /** How many issued tokens have not expired yet (what the active-token limit counts). */
  activeTokens(): number {
    this.#forgetExpired();
    return this.#tokens.size;
  }

  /** Whether an `Authorization: Bearer …` value carries a token this issuer issued and that has not expired. */
  verifyBearer(authorization: string): boolean {
    const token = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const expiresAt = token === undefined ? undefined : this.#tokens.get(token);
    return expiresAt !== undefined && this.#options.now() < expiresAt;
  }

  /** Basic `clientId:clientSecret`, raw or form-encoded first (RFC 6749 §2.3.1; Go's oauth2 encodes). */
  #clientAuthenticated(authorization: string | undefined): boolean {
    const encoded = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "")?.[1];
    if (encoded === undefined) return false;
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    const [id, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const matches = (i: string, s: string) =>
      sameText(i, this.#options.clientId) && sameText(s, this.#options.clientSecret);
    return matches(id, secret) || matches(formDecode(id), formDecode(secret));
  }

  #forgetExpired(): void {
    const now = this.#options.now();
    for (const [token, expiresAt] of this.#tokens) if (expiresAt <= now) this.#tokens.delete(token);
  }
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Writes a token answer as JSON. */
export function sendTokenAnswer(res: ServerResponse, answer: TokenAnswer): void {
  sendJson(res, answer.status, answer.body, {
    contentType: JSON_TYPE,
    pretty: false,
    headers: answer.headers,
  });
}
