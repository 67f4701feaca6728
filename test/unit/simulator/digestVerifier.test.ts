import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DigestVerifier, parseDigestAuthorization } from "../../../local/simulator/digestVerifier.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

function sign(
  nonce: string,
  options: { uri?: string; nc?: string; password?: string; method?: string } = {},
) {
  const uri = options.uri ?? "/api/x?a=1,2";
  const nc = options.nc ?? "00000001";
  const ha1 = md5(`pub:MMS Public API:${options.password ?? "priv"}`);
  const ha2 = md5(`${options.method ?? "GET"}:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:cn:auth:${ha2}`);
  return `Digest username="pub", realm="MMS Public API", nonce="${nonce}", uri="${uri}", response="${response}", qop=auth, nc=${nc}, cnonce="cn", algorithm=MD5`;
}

function setup() {
  const clock = { now: 1_000_000 };
  const verifier = new DigestVerifier({
    username: "pub",
    password: "priv",
    nonceLifetimeMs: 60_000,
    now: () => clock.now,
  });
  const nonce = parseDigestAuthorization(verifier.challenge(false))?.get("nonce") ?? "";
  return { clock, verifier, nonce };
}

describe("parseDigestAuthorization", () => {
  it("reads quoted values containing commas and unquoted values", () => {
    const params = parseDigestAuthorization('Digest uri="/a?b=1,2", nc=00000001, qop=auth');
    expect(Object.fromEntries(params ?? [])).toEqual({ uri: "/a?b=1,2", nc: "00000001", qop: "auth" });
    expect(parseDigestAuthorization("Basic abc")).toBeUndefined();
  });
});

describe("DigestVerifier", () => {
  it("issues Atlas-shaped challenges", () => {
    const { verifier } = setup();
    expect(verifier.challenge(true)).toMatch(
      /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=true$/,
    );
  });

  it("accepts a correct answer once per nonce count", () => {
    const { verifier, nonce } = setup();
    expect(verifier.verify("GET", "/api/x?a=1,2", sign(nonce))).toEqual({ ok: true });
    expect(verifier.verify("GET", "/api/x?a=1,2", sign(nonce))).toMatchObject({ ok: false, stale: false });
    expect(verifier.verify("GET", "/api/x?a=1,2", sign(nonce, { nc: "00000002" }))).toEqual({ ok: true });
  });

  it("refuses a wrong password, method or uri", () => {
    const { verifier, nonce } = setup();
    expect(verifier.verify("GET", "/api/x?a=1,2", sign(nonce, { password: "nope" }))).toMatchObject({
      ok: false,
    });
    expect(verifier.verify("PATCH", "/api/x?a=1,2", sign(nonce))).toMatchObject({ ok: false });
    expect(verifier.verify("GET", "/api/y", sign(nonce))).toMatchObject({
      reason: "uri does not match the request",
    });
  });

  it("marks an expired nonce stale only when the digest is otherwise right", () => {
    const { clock, verifier, nonce } = setup();
    clock.now += 60_001;
    expect(verifier.verify("GET", "/api/x?a=1,2", sign(nonce))).toMatchObject({ ok: false, stale: true });
    expect(verifier.verify("GET", "/api/x?a=1,2", sign(nonce, { password: "x" }))).toMatchObject({
      stale: false,
    });
  });

  it("refuses nonces it did not issue", () => {
    const { verifier, nonce } = setup();
    const other = new DigestVerifier({
      username: "pub",
      password: "priv",
      nonceLifetimeMs: 60_000,
      now: () => 0,
    });
    expect(other.verify("GET", "/api/x?a=1,2", sign(nonce))).toMatchObject({ reason: "unknown nonce" });
    expect(verifier.verify("GET", "/api/x?a=1,2", undefined)).toMatchObject({ ok: false, stale: false });
  });
});
