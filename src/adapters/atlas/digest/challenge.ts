import { DigestError } from "../../../ports/AtlasPeeringApi.js";

/** The RFC 7616 algorithms this client implements. */
export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";

/** A parsed `WWW-Authenticate: Digest …` challenge (RFC 7616 section 3.3). */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  /** `MD5` when the server names none (RFC 7616 section 3.3). */
  readonly algorithm: DigestAlgorithm;
  /** The qop values offered, lower-case. Empty: the server sent no qop (RFC 2069 compatibility). */
  readonly qop: readonly string[];
  readonly opaque?: string;
  /** True when the server refused only the nonce: the credentials were right. */
  readonly stale: boolean;
  /** The protection space URIs of the `domain` parameter. */
  readonly domain: readonly string[];
}

const ALGORITHMS = new Map<string, DigestAlgorithm>([
  ["md5", "MD5"],
  ["md5-sess", "MD5-sess"],
  ["sha-256", "SHA-256"],
  ["sha-256-sess", "SHA-256-sess"],
]);

interface RawChallenge {
  readonly scheme: string;
  readonly params: Map<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
// name=value where value is a quoted-string (with \-escapes) or, leniently, anything up to a comma or space.
const PARAM = new RegExp(`[\\s,]*(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,"]+))\\s*(?=,|$)`, "y");
const SCHEME = new RegExp(`[\\s,]*(${TOKEN})(?=\\s|,|$)`, "y");
// RFC 7235 token68, as in `Basic dXNlcg==`; only valid right after a scheme.
const TOKEN68 = /\s+[A-Za-z0-9\-._~+/]+=*\s*(?=,|$)/y;
const ONLY_SEPARATORS = /^[\s,]*$/;

/** Runs a sticky regular expression at `pos`; returns the match and the position after it. */
function matchAt(re: RegExp, text: string, pos: number): { m: RegExpExecArray; end: number } | undefined {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? { m, end: re.lastIndex } : undefined;
}

/** Splits a header that may hold several challenges (`Basic …, Digest …`) into schemes with parameters. */
function splitChallenges(header: string): RawChallenge[] {
  const challenges: RawChallenge[] = [];
  let current: RawChallenge | undefined;
  let pos = 0;
  while (!ONLY_SEPARATORS.test(header.slice(pos))) {
    const param = current ? matchAt(PARAM, header, pos) : undefined;
    if (current && param) {
      const [, name = "", quoted, bare] = param.m;
      const value = quoted === undefined ? (bare ?? "") : quoted.replace(/\\(.)/g, "$1");
      current.params.set(name.toLowerCase(), value);
      pos = param.end;
      continue;
    }
    const scheme = matchAt(SCHEME, header, pos);
    if (!scheme) throw new DigestError("malformed WWW-Authenticate header");
    current = { scheme: (scheme.m[1] ?? "").toLowerCase(), params: new Map() };
    challenges.push(current);
    pos = matchAt(TOKEN68, header, scheme.end)?.end ?? scheme.end;
  }
  return challenges;
}

/** Turns raw parameters into a challenge, or says why this client cannot answer it. */
function toChallenge(params: Map<string, string>): DigestChallenge | string {
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  if (realm === undefined || !nonce) return "realm or nonce missing";
  const algorithmName = params.get("algorithm") ?? "MD5";
  const algorithm = ALGORITHMS.get(algorithmName.toLowerCase());
  if (!algorithm) return `unsupported algorithm ${JSON.stringify(algorithmName.slice(0, 40))}`;
  const qop = (params.get("qop") ?? "")
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== "");
  // auth-int would need a hash of the body; every server we talk to offers auth.
  if (qop.length > 0 && !qop.includes("auth")) return `unsupported qop ${JSON.stringify(qop.join(","))}`;
  const opaque = params.get("opaque");
  return {
    realm,
    nonce,
    algorithm,
    qop,
    ...(opaque === undefined ? {} : { opaque }),
    stale: params.get("stale")?.toLowerCase() === "true",
    domain: (params.get("domain") ?? "").split(/\s+/).filter((v) => v !== ""),
  };
}

/**
 * Finds the Digest challenge in a `WWW-Authenticate` value. When the server offers several (RFC 7616 lists
 * them most preferred first), the first one this client can answer wins.
 *
 * @returns undefined when the header holds no Digest challenge.
 * @throws DigestError when the header is malformed or no Digest challenge in it can be answered.
 */
export function parseDigestChallenge(header: string): DigestChallenge | undefined {
  const digests = splitChallenges(header).filter((c) => c.scheme === "digest");
  let problem = "";
  for (const raw of digests) {
    const challenge = toChallenge(raw.params);
    if (typeof challenge !== "string") return challenge;
    problem = challenge;
  }
  if (digests.length === 0) return undefined;
  throw new DigestError(`cannot answer the Digest challenge: ${problem}`);
}
