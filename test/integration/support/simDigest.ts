import { createHash, randomBytes } from "node:crypto";

/**
 * Test-only HTTP Digest client (MD5, qop=auth) for talking to the Atlas simulator. Deliberately independent of
 * the gateway's own digest client in src/atlas, so the simulator is checked against a second implementation.
 */

/** The parameters of a `WWW-Authenticate: Digest …` challenge. */
export type DigestChallenge = Map<string, string>;

/** What {@link digestAuthorization} needs to sign one request. */
export interface DigestSigning {
  method: string;
  /** Path and query exactly as sent. */
  uri: string;
  username: string;
  password: string;
  challenge: DigestChallenge;
  /** Nonce count; default 1. */
  nc?: number;
  cnonce?: string;
}

/** An HTTP answer read in full. */
export interface SimResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Options of {@link digestFetch}. */
export interface DigestFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  username: string;
  password: string;
}

const md5 = (text: string): string => createHash("md5").update(text).digest("hex");

/** Parses a Digest challenge into its parameters (quoted or not). */
export function parseChallenge(header: string | null): DigestChallenge {
  if (header === null || !/^Digest\s/i.test(header)) throw new Error(`not a Digest challenge: ${header}`);
  const params: DigestChallenge = new Map();
  for (const match of header.slice(7).matchAll(/([a-z]+)=(?:"([^"]*)"|([^,\s]*))/gi)) {
    params.set((match[1] ?? "").toLowerCase(), match[2] ?? match[3] ?? "");
  }
  return params;
}

/** The `Authorization` header answering `challenge` for one request. */
export function digestAuthorization(signing: DigestSigning): string {
  const realm = signing.challenge.get("realm") ?? "";
  const nonce = signing.challenge.get("nonce") ?? "";
  const nc = (signing.nc ?? 1).toString(16).padStart(8, "0");
  const cnonce = signing.cnonce ?? randomBytes(8).toString("hex");
  const ha1 = md5(`${signing.username}:${realm}:${signing.password}`);
  const ha2 = md5(`${signing.method}:${signing.uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return [
    `Digest username="${signing.username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${signing.uri}"`,
    `response="${response}"`,
    "algorithm=MD5",
    "qop=auth",
    `nc=${nc}`,
    `cnonce="${cnonce}"`,
  ].join(", ");
}

/** One plain request, body read in full. */
export async function simFetch(url: string, init: RequestInit = {}): Promise<SimResponse> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Fetches a fresh challenge for `url` (an unauthenticated GET answered 401). */
export async function fetchChallenge(url: string): Promise<DigestChallenge> {
  const response = await simFetch(url);
  if (response.status !== 401) throw new Error(`expected a 401 challenge, got ${response.status}`);
  return parseChallenge(response.headers.get("www-authenticate"));
}

/** The request-target (path and query) of an absolute URL, as the digest `uri` must carry it. */
export function requestTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** The whole digest dance: unauthenticated request, then the same request signed against its challenge. */
export async function digestFetch(url: string, options: DigestFetchOptions): Promise<SimResponse> {
  const method = options.method ?? "GET";
  const init: RequestInit = { method, headers: options.headers ?? {} };
  if (options.body !== undefined) init.body = options.body;
  const first = await simFetch(url, init);
  if (first.status !== 401) return first;
  const challenge = parseChallenge(first.headers.get("www-authenticate"));
  const { username, password } = options;
  const authorization = digestAuthorization({
    method,
    uri: requestTarget(url),
    username,
    password,
    challenge,
  });
  return simFetch(url, { ...init, headers: { ...options.headers, Authorization: authorization } });
}
