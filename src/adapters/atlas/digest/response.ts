import { createHash } from "node:crypto";
import { DigestError } from "../../../ports/AtlasPeeringApi.js";
import type { DigestAlgorithm, DigestChallenge } from "./challenge.js";

/** Everything one `Authorization: Digest` value depends on. */
export interface DigestAuthorizationInput {
  readonly username: string;
  readonly password: string;
  /** The request method exactly as sent on the wire. */
  readonly method: string;
  /** The request target: path plus query string, as sent on the wire. */
  readonly uri: string;
  readonly challenge: DigestChallenge;
  /** The nonce count, 1 for the first use of a nonce. */
  readonly nc: number;
  readonly cnonce: string;
}

const HASH_OF: Record<DigestAlgorithm, string> = {
  MD5: "md5",
  "MD5-sess": "md5",
  "SHA-256": "sha256",
  "SHA-256-sess": "sha256",
};

const MAX_NC = 0xffffffff;

/** Quotes a value as an RFC 7230 quoted-string. */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** The nonce count as the 8 hex digits RFC 7616 requires. */
function formatNc(nc: number): string {
  if (!Number.isInteger(nc) || nc < 1 || nc > MAX_NC) throw new DigestError("nonce count out of range");
  return nc.toString(16).padStart(8, "0");
}

/**
 * Builds the `Authorization` header value answering `challenge` (RFC 7616 section 3.4): qop=auth when the
 * server offers qop, otherwise the RFC 2069 form without nc/cnonce; `-sess` algorithms hash the cnonce
 * into HA1. Pure: the caller chooses nc and cnonce.
 */
export function buildDigestAuthorization(input: DigestAuthorizationInput): string {
  const { username, password, method, uri, challenge, cnonce } = input;
  const { algorithm, realm, nonce } = challenge;
  const hash = (text: string) => createHash(HASH_OF[algorithm]).update(text, "utf8").digest("hex");
  if (challenge.qop.length > 0 && !challenge.qop.includes("auth")) {
    throw new DigestError("the server offers no qop this client supports");
  }
  const withQop = challenge.qop.length > 0;
  const sess = algorithm.endsWith("-sess");
  const nc = formatNc(input.nc);

  const secret = hash(`${username}:${realm}:${password}`);
  const ha1 = sess ? hash(`${secret}:${nonce}:${cnonce}`) : secret;
  const ha2 = hash(`${method}:${uri}`);
  const response = withQop
    ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)
    : hash(`${ha1}:${nonce}:${ha2}`);

  // Same order as the RFC 7616 section 3.9.1 example. algorithm, nc and qop are tokens: never quoted.
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(realm)}`,
    `uri=${quote(uri)}`,
    `algorithm=${algorithm}`,
    `nonce=${quote(nonce)}`,
  ];
  if (withQop) parts.push(`nc=${nc}`);
  // A -sess HA1 cannot be checked without the cnonce, so it is sent even in the RFC 2069 form.
  if (withQop || sess) parts.push(`cnonce=${quote(cnonce)}`);
  if (withQop) parts.push("qop=auth");
  parts.push(`response=${quote(response)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${parts.join(", ")}`;
}
