/** Whether a callback URL may be called, and why not. */
export type CallbackDecision = { allowed: true } | { allowed: false; reason: string };

/** Hosts to which plain `http:` is tolerated, for the local stack only, and only when listed. */
const LOCAL_HTTP_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** Dotted-decimal IPv4, the only IPv4 spelling the URL parser leaves in a host. */
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Decides whether the gateway may POST a callback to `url` (SSRF protection: callers must not make the gateway
 * call internal addresses). Rules:
 *
 * - `https:` only; `http:` only for `127.0.0.1` or `localhost` listed exactly (the local stack);
 * - no user name or password in the URL;
 * - the host equals an allowlist entry (case-insensitive), or is a subdomain of a `*.example.com` entry
 *   at any depth (never the apex itself; a wildcard needs at least two labels after `*.`);
 * - an IP literal (v4 or v6, in whatever form the URL parser normalises to) only when listed exactly;
 * - a trailing dot (`example.com.`) is refused rather than normalised, so that only the listed spelling passes;
 * - any port.
 *
 * Pure: no DNS. A listed name that resolves to an internal address is the allowlist owner's decision. Reasons
 * name the host at most, never the path or query (which may carry tokens).
 */
export function isCallbackAllowed(url: string, allowedHosts: readonly string[]): CallbackDecision {
  // WHATWG parsing, as the HTTP client does: what we check is the host the request will really go to.
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined) return refuse("the callback URL is not a valid absolute URL");
  if (parsed.username !== "" || parsed.password !== "") {
    return refuse("the callback URL must not contain a user name or password");
  }
  const ipv6 = parsed.hostname.startsWith("[");
  const host = unbracket(parsed.hostname);
  const protocolProblem = checkProtocol(parsed.protocol, host, allowedHosts);
  if (protocolProblem !== undefined) return refuse(protocolProblem);
  if (host === "") return refuse("the callback URL has no host");
  if (host.endsWith(".")) return refuse(`host ${host} must not end with a dot`);
  // The URL parser has already turned every IPv4 spelling (0x7f.1, 2130706433) into dotted decimal.
  if (ipv6 || IPV4.test(host)) {
    return listedExactly(host, allowedHosts)
      ? { allowed: true }
      : refuse(`IP address ${host} is not in the callback allowlist`);
  }
  if (listedExactly(host, allowedHosts) || allowedHosts.some((entry) => matchesWildcard(host, entry))) {
    return { allowed: true };
  }
  return refuse(`host ${host} is not in the callback allowlist`);
}

/** What {@link recheckCallback} needs of a caller's registry entry (a `Caller` from access/callers.ts fits). */
export interface CallbackRegistration {
  callbackHosts?: readonly string[];
  callbackSecret?: string;
}

/**
 * Whether a callback admitted earlier may still be delivered now, judged on the caller's registry entry as it
 * is at delivery time (`undefined` when the caller is no longer registered): the entry may have lost the host
 * or the secret since the change was admitted, and an allowlist that was narrowed must take effect for
 * callbacks already queued. The same rules as at admission ({@link isCallbackAllowed}, then a secret to sign
 * with). Pure; reasons name the host at most, never the secret, path or query.
 */
export function recheckCallback(entry: CallbackRegistration | undefined, url: string): CallbackDecision {
  if (entry === undefined) return refuse("the caller is no longer registered");
  const verdict = isCallbackAllowed(url, entry.callbackHosts ?? []);
  if (!verdict.allowed) return verdict;
  return entry.callbackSecret ? verdict : refuse("the caller has no callback secret to sign callbacks with");
}

function checkProtocol(protocol: string, host: string, allowedHosts: readonly string[]): string | undefined {
  if (protocol === "https:") return undefined;
  if (protocol === "http:" && LOCAL_HTTP_HOSTS.has(host) && listedExactly(host, allowedHosts))
    return undefined;
  if (protocol === "http:") return "the callback URL must use https (http only for a listed local host)";
  return `the callback URL must use https, not ${protocol.replace(/:$/, "")}`;
}

/** An allowlist entry as the URL parser would spell the host: lower case, IPv6 compressed, no brackets. */
function normalizeEntry(entry: string): string {
  const trimmed = unbracket(entry.trim().toLowerCase());
  if (!trimmed.includes(":")) return trimmed;
  const asUrl = `https://[${trimmed}]/`;
  return URL.canParse(asUrl) ? unbracket(new URL(asUrl).hostname) : trimmed;
}

function listedExactly(host: string, allowedHosts: readonly string[]): boolean {
  return allowedHosts.some((entry) => normalizeEntry(entry) === host);
}

/** `*.example.com` matches `a.example.com` and `a.b.example.com`, not `example.com` nor `*.com`-wide. */
function matchesWildcard(host: string, entry: string): boolean {
  const normalized = normalizeEntry(entry);
  if (!normalized.startsWith("*.")) return false;
  const suffix = normalized.slice(1);
  // A one-label suffix (`*.com`) would open a whole top-level domain: treat such an entry as matching nothing.
  if (!suffix.slice(1).includes(".") || suffix.includes("*")) return false;
  return host.length > suffix.length && host.endsWith(suffix);
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function refuse(reason: string): CallbackDecision {
  return { allowed: false, reason };
}
