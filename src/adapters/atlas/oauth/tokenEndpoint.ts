import * as z from "zod/mini";
import { parseJson } from "../../../domain/json.js";
import { retryAfterMs } from "../../../domain/retryAfter.js";
import { TokenEndpointError } from "../../../ports/AtlasPeeringApi.js";
import type { HttpRequest, HttpResponse } from "../../http/undiciTransport.js";

/**
 * The wire side of Atlas's OAuth 2.0 client-credentials grant (docs/atlas-api.md §3.2): the token request and
 * the reading of its answer. No state here; caching lives in {@link ServiceAccountAuthenticator}.
 */

/** Where Atlas issues service-account tokens, below the Atlas base URL. */
export const TOKEN_PATH = "/api/oauth/token";

/** A token as the endpoint granted it. */
export interface GrantedToken {
  accessToken: string;
  lifetimeMs: number;
}

/** Atlas documents 1 h tokens; used when an answer leaves `expires_in` out (RFC 6749 only recommends it). */
const DEFAULT_LIFETIME_SECONDS = 3600;

// Visible ASCII only: the token goes into a header, and a CR/LF in it must never reach the wire.
const tokenText = z.string().check(z.regex(/^[\x21-\x7e]+$/));
const grantShape = z.object({
  access_token: tokenText,
  token_type: z.string(),
  expires_in: z.optional(z.number().check(z.positive())),
});

/** The `POST {baseUrl}/api/oauth/token` request; the secret travels only in its Authorization header. */
export function tokenRequest(baseUrl: string, clientId: string, clientSecret: string): HttpRequest {
  const basic = Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64");
  return {
    method: "POST",
    url: `${baseUrl}${TOKEN_PATH}`,
    headers: {
      authorization: `Basic ${basic}`,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      "user-agent": "atlas-peering-gateway",
    },
    body: "grant_type=client_credentials",
  };
}

/** Reads the token endpoint's answer: the granted token, or a {@link TokenEndpointError} saying why not. */
export function readTokenAnswer(answer: HttpResponse, nowMs: number): GrantedToken {
  if (answer.status === 200) return readGrant(answer);
  const code = errorCodeOf(answer.body);
  const why = `Atlas's token endpoint answered ${answer.status}${code ? ` (${code})` : ""}`;
  if (answer.status === 429) {
    const wait = retryAfterMs(answer.headers["retry-after"], nowMs);
    return refuse(`${why}: token requests are rate limited.`, "TOKEN_RATE_LIMITED", true, answer, wait);
  }
  if (answer.status >= 500) {
    const wait = retryAfterMs(answer.headers["retry-after"], nowMs);
    return refuse(`${why}.`, "TOKEN_ENDPOINT_UNAVAILABLE", true, answer, wait);
  }
  // 400/401 (wrong or revoked secret), 403 (token quota reached) and the rest need an operator, not a retry.
  return refuse(`${why}: the service account was refused.`, "TOKEN_REFUSED", false, answer);
}

function readGrant(answer: HttpResponse): GrantedToken {
  const grant = grantShape.safeParse(parseJson(answer.body, undefined));
  // RFC 6749 §5.1: the token type is case-insensitive.
  if (!grant.success || grant.data.token_type.toLowerCase() !== "bearer") {
    const message = "Atlas's token endpoint answered 200 without a usable bearer token.";
    return refuse(message, "TOKEN_ANSWER_MALFORMED", false, answer);
  }
  const seconds = grant.data.expires_in ?? DEFAULT_LIFETIME_SECONDS;
  return { accessToken: grant.data.access_token, lifetimeMs: seconds * 1000 };
}

function refuse(
  message: string,
  code: string,
  retryable: boolean,
  answer: HttpResponse,
  waitMs?: number,
): never {
  throw new TokenEndpointError(message, code, retryable, answer.status, waitMs);
}

/** The OAuth `error` or Atlas `errorCode` of an error answer, when it is a plain code safe to repeat. */
function errorCodeOf(body: string): string | undefined {
  const value = parseJson(body, undefined);
  if (typeof value !== "object" || value === null) return undefined;
  // OAuth errors carry a string `error`; Atlas errors (the 429) a numeric `error` and a string `errorCode`.
  const { error, errorCode } = value as Record<string, unknown>;
  const code = typeof error === "string" ? error : errorCode;
  return typeof code === "string" && /^[A-Za-z_]{1,64}$/.test(code) ? code : undefined;
}
