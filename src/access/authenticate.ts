import type { Caller, CallerRegistry } from "./callers.js";
import { AuthenticationError } from "./errors.js";
import { hashToken, safeEqual, signedRequestKey, signRequest } from "./signature.js";

/** What authentication needs to know about a request. Header names are lower-case. */
export interface AuthRequest {
  method: string;
  pathWithQuery: string;
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
}

export interface AuthOptions {
  nowSeconds: number;
  /** How far a signed request's timestamp may be from now, either way. */
  toleranceSeconds: number;
}

/** How the caller proved who it is; `signed` lets later layers refuse replays. */
export interface Authenticated {
  caller: Caller;
  scheme: "bearer" | "signature";
  /** For a signed request: what names it for the replay guard, and its timestamp (epoch seconds). */
  signed?: SignedRequest;
}

/** A signed request as the replay guard sees it: never the signature, which a replay could vary. */
export interface SignedRequest {
  /** {@link signedRequestKey}: caller, timestamp, method, path with query, body SHA-256. */
  replayKey: string;
  timestampSeconds: number;
}

const SIGNED_HEADERS = ["x-gateway-caller", "x-gateway-timestamp", "x-gateway-signature"] as const;

/**
 * Identifies the caller by bearer token (`Authorization: Bearer …`, matched against SHA-256 hashes) or by a
 * signed request (`X-Gateway-Caller`, `X-Gateway-Timestamp`, `X-Gateway-Signature`). Every comparison is
 * constant-time. Throws {@link AuthenticationError} (401) whose message never echoes what was sent.
 */
export function authenticate(
  request: AuthRequest,
  registry: CallerRegistry,
  options: AuthOptions,
): Authenticated {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return { caller: byBearer(authorization, registry), scheme: "bearer" };
  if (SIGNED_HEADERS.some((name) => request.headers[name] !== undefined))
    return bySignature(request, registry, options);
  throw new AuthenticationError(
    "Send 'Authorization: Bearer <token>' or a signed request (X-Gateway-Caller, X-Gateway-Timestamp, X-Gateway-Signature).",
  );
}

function byBearer(authorization: string, registry: CallerRegistry): Caller {
  const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(authorization);
  if (!match?.[1]) throw new AuthenticationError("The Authorization header must be 'Bearer <token>'.");
  const hash = hashToken(match[1]);
  // Compare against every hash (no early exit) so timing does not reveal how far the search got.
  let found: Caller | undefined;
  for (const caller of registry.callers) {
    for (const known of caller.tokenSha256) if (safeEqual(hash, known) && !found) found = caller;
  }
  if (!found) throw new AuthenticationError("The bearer token is not valid.");
  return found;
}

function bySignature(request: AuthRequest, registry: CallerRegistry, options: AuthOptions): Authenticated {
  const [callerId, timestamp, signatureHeader] = SIGNED_HEADERS.map((name) => request.headers[name]);
  if (!callerId || !timestamp || !signatureHeader) {
    throw new AuthenticationError(
      "A signed request needs X-Gateway-Caller, X-Gateway-Timestamp and X-Gateway-Signature.",
    );
  }
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(options.nowSeconds - Number(timestamp)) > options.toleranceSeconds
  ) {
    throw new AuthenticationError(
      `X-Gateway-Timestamp must be the current Unix time in seconds (within ${options.toleranceSeconds} s).`,
    );
  }
  const caller = registry.callers.find((c) => c.id === callerId);
  const sent = signatureHeader.split(",").map((s) => s.trim());
  const parts = {
    timestamp,
    method: request.method,
    pathWithQuery: request.pathWithQuery,
    body: request.rawBody,
  };
  const expected = (caller?.signingSecrets ?? []).map((secret) => signRequest(secret, parts));
  // Which of the sent signatures matched does not matter: the replay guard keys on the request, not on it.
  const matched = sent.some((s) => expected.some((e) => safeEqual(s, e)));
  // An unknown caller and a wrong signature get the same answer: nothing to enumerate.
  if (!caller || !matched) throw new AuthenticationError("The request signature does not match.");
  const signed = { replayKey: signedRequestKey(caller.id, parts), timestampSeconds: Number(timestamp) };
  return { caller, scheme: "signature", signed };
}
