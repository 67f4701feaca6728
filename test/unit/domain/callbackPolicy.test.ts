import { describe, expect, it } from "vitest";
import { isCallbackAllowed } from "../../../src/domain/change/callbackPolicy.js";

const ALLOW = ["hooks.example.com", "*.partner.example.org", "203.0.113.7", "[2001:db8::1]", "127.0.0.1"];

function allowed(url: string, hosts: readonly string[] = ALLOW): boolean {
  return isCallbackAllowed(url, hosts).allowed;
}

function reason(url: string, hosts: readonly string[] = ALLOW): string {
  const decision = isCallbackAllowed(url, hosts);
  if (decision.allowed) throw new Error(`expected ${url} to be refused`);
  return decision.reason;
}

describe("isCallbackAllowed: what passes", () => {
  it.each([
    "https://hooks.example.com/peering",
    "https://hooks.example.com:8443/peering?x=1",
    "https://HOOKS.Example.COM/peering",
    "https://a.partner.example.org/cb",
    "https://a.b.partner.example.org/cb",
    "https://203.0.113.7/cb",
    "https://[2001:db8::1]:9443/cb",
    "https://[2001:0db8:0000:0000:0000:0000:0000:0001]/cb",
    "http://127.0.0.1:4000/cb",
  ])("%s", (url) => {
    expect(isCallbackAllowed(url, ALLOW)).toEqual({ allowed: true });
  });

  it("compares allowlist entries case-insensitively and ignores their surrounding spaces", () => {
    expect(allowed("https://hooks.example.com/x", [" Hooks.Example.com "])).toBe(true);
  });

  it("sees a listed IPv4 through the URL parser's normalisation (the request goes to that address)", () => {
    expect(allowed("https://0xcb.0.113.7/cb")).toBe(true);
    expect(allowed("https://3405803783/cb")).toBe(true);
  });

  it("allows http://localhost only when localhost itself is listed", () => {
    expect(allowed("http://localhost:3000/cb", ["localhost"])).toBe(true);
    expect(allowed("http://localhost:3000/cb", ["127.0.0.1"])).toBe(false);
  });
});

describe("isCallbackAllowed: SSRF tricks", () => {
  it.each([
    ["an allowed name as a prefix of another domain", "https://hooks.example.com.evil.io/cb"],
    ["an allowed name in the query", "https://evil.io/?hooks.example.com"],
    ["an allowed name in the path", "https://evil.io/hooks.example.com"],
    ["an allowed name in the fragment", "https://evil.io/#hooks.example.com"],
    ["an allowed name as a suffix without a dot", "https://evilhooks.example.com/cb"],
    ["a sibling of the allowed host", "https://other.example.com/cb"],
    ["the apex of a wildcard", "https://partner.example.org/cb"],
    ["a look-alike of a wildcard suffix", "https://a.evilpartner.example.org/cb"],
    ["an unlisted IPv4", "https://10.0.0.1/cb"],
    ["the metadata service", "https://169.254.169.254/latest/meta-data/"],
    ["an unlisted IPv4 in hex and short form", "https://0xa.1/cb"],
    ["an unlisted IPv4 as one number", "https://167772161/cb"],
    ["an unlisted IPv6", "https://[::1]/cb"],
    ["an IPv4-mapped IPv6", "https://[::ffff:203.0.113.7]/cb"],
  ])("refuses %s", (_what, url) => {
    expect(allowed(url)).toBe(false);
  });

  it("refuses user info, even in front of an allowed host", () => {
    expect(reason("https://user@hooks.example.com/cb")).toMatch(/user name or password/);
    expect(reason("https://user:pw@hooks.example.com/cb")).toMatch(/user name or password/);
    expect(reason("https://hooks.example.com@evil.io/cb")).toMatch(/user name or password/);
  });

  it("refuses a trailing dot rather than normalising it", () => {
    expect(reason("https://hooks.example.com./cb")).toMatch(/must not end with a dot/);
    expect(allowed("https://a.partner.example.org./cb")).toBe(false);
  });

  it("refuses http on any non-local host, even a listed one", () => {
    expect(reason("http://hooks.example.com/cb")).toMatch(/https/);
    expect(allowed("http://203.0.113.7/cb")).toBe(false);
  });

  it("refuses http on a local host that is not listed, and https on an unlisted localhost", () => {
    expect(allowed("http://127.0.0.1:4000/cb", ["hooks.example.com"])).toBe(false);
    expect(allowed("http://0x7f.1/cb", ["hooks.example.com"])).toBe(false);
    expect(allowed("http://[::1]/cb", ["::1"])).toBe(false);
    expect(allowed("http://localhost/cb", ["*.example.com"])).toBe(false);
    expect(allowed("https://localhost/cb", ["hooks.example.com"])).toBe(false);
  });

  it.each([
    "file:///etc/passwd",
    "ftp://hooks.example.com/cb",
    "gopher://hooks.example.com:70/_x",
    "javascript:alert(1)",
    "data:text/plain,hi",
    "ws://hooks.example.com/cb",
  ])("refuses the scheme of %s", (url) => {
    expect(reason(url)).toMatch(/https/);
  });

  it.each(["", "not a url", "//hooks.example.com/cb", "https://", "hooks.example.com/cb"])(
    "refuses the malformed %j",
    (url) => {
      expect(allowed(url)).toBe(false);
    },
  );

  it("never lets an over-broad wildcard open a whole domain", () => {
    expect(allowed("https://evil.com/cb", ["*.com"])).toBe(false);
    expect(allowed("https://evil.com/cb", ["*"])).toBe(false);
    expect(allowed("https://a.example.com/cb", ["*.*.com"])).toBe(false);
  });

  it("does not let a wildcard match an IP literal", () => {
    expect(allowed("https://10.0.0.1/cb", ["*.0.0.1"])).toBe(false);
  });

  it("refuses everything when the allowlist is empty", () => {
    expect(allowed("https://hooks.example.com/cb", [])).toBe(false);
  });

  it("does not echo the path or query in its reason", () => {
    const why = reason("https://evil.io/cb?token=SECRET-TOKEN-1");
    expect(why).toContain("evil.io");
    expect(why).not.toContain("SECRET-TOKEN-1");
  });
});
