import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type DigestChallenge,
  parseDigestChallenge,
} from "../../../../src/adapters/atlas/digest/challenge.js";
import { DigestAuthenticator } from "../../../../src/adapters/atlas/digest/DigestAuthenticator.js";
import { buildDigestAuthorization } from "../../../../src/adapters/atlas/digest/response.js";
import type { HttpRequest, HttpResponse } from "../../../../src/adapters/http/undiciTransport.js";
import { DigestError } from "../../../../src/ports/AtlasPeeringApi.js";

// RFC 7616 section 3.9.1. The nonce is "…URrv/xwf94BcCAzFZH4GiTo0v": a nonce ending "…URrFQhZHoq8XNqqUbTnU3X9E3"
// (its tail mixed up with the opaque) does not reproduce the published responses.
const RFC_CHALLENGE: DigestChallenge = {
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  algorithm: "MD5",
  qop: ["auth", "auth-int"],
  stale: false,
  domain: [],
};
const RFC_REQUEST = { username: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html" };
const RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
const RFC_INPUT = { ...RFC_REQUEST, nc: 1, cnonce: RFC_CNONCE, challenge: RFC_CHALLENGE };
const REALM = "MMS Public API";
const ORIGIN = "https://cloud.example.test";
const GET = { method: "GET", headers: {} };

const hash = (alg: string, text: string) => createHash(alg).update(text).digest("hex");
const field = (header: string, name: string) =>
  new RegExp(`(?:^Digest |, )${name}=(?:"([^"]*)"|([^,]*))`).exec(header)?.slice(1).join("");

const reply = (status: number, wwwAuthenticate?: string, body = "ok"): HttpResponse => ({
  status,
  headers: wwwAuthenticate === undefined ? {} : { "www-authenticate": wwwAuthenticate },
  body,
});

/** An in-memory digest server: nc must grow per nonce (like http-auth); `rotate()` makes the nonce stale. */
function fakeServer(password: string, algorithm = "MD5") {
  let nonce = "nonce-1";
  const maxNc = new Map<string, number>();
  const seen: HttpRequest[] = [];
  const params = () => `realm="${REALM}", nonce="${nonce}", algorithm=${algorithm}, qop="auth"`;
  const challenge = (stale: boolean) => reply(401, `Digest ${params()}, stale=${stale}`);
  const verdict = (req: HttpRequest): HttpResponse => {
    const auth = req.headers.authorization;
    if (auth === undefined) return challenge(false);
    const [n, nc, cnonce, uri] = ["nonce", "nc", "cnonce", "uri"].map((k) => field(auth, k) ?? "");
    const key = `${new URL(req.url).origin} ${nonce}`;
    if (n !== nonce || Number.parseInt(nc ?? "", 16) <= (maxNc.get(key) ?? 0)) return challenge(true);
    maxNc.set(key, Number.parseInt(nc ?? "", 16));
    const alg = algorithm === "SHA-256" ? "sha256" : "md5";
    const ha1 = hash(alg, `${field(auth, "username")}:${REALM}:${password}`);
    const ha2 = hash(alg, `${req.method}:${uri}`);
    const ok = hash(alg, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) === field(auth, "response");
    const { pathname, search } = new URL(req.url);
    return ok && pathname + search === uri ? reply(200) : challenge(false);
  };
  const transport = async (req: HttpRequest) => {
    seen.push(req);
    const res = verdict(req); // decided on arrival, so `seen` order is the order the server checks nc
    await new Promise((r) => setTimeout(r, Math.random() * 5)); // answer out of order
    return res;
  };
  const rotate = () => {
    nonce = `nonce-${Number(nonce.slice(6)) + 1}`;
  };
  return { transport, seen, rotate };
}

const get = (path: string, x?: Partial<HttpRequest>): HttpRequest => ({ ...GET, url: ORIGIN + path, ...x });
const hex8 = (n: number) => n.toString(16).padStart(8, "0");
const ncs = (seen: HttpRequest[]) =>
  seen.map((r) => r.headers.authorization && field(r.headers.authorization, "nc"));

describe("buildDigestAuthorization", () => {
  const rfc = (challenge: Partial<DigestChallenge>, input: Partial<typeof RFC_INPUT> = {}) =>
    buildDigestAuthorization({ ...RFC_INPUT, ...input, challenge: { ...RFC_CHALLENGE, ...challenge } });
  const RFC_HA1 = hash("md5", "Mufasa:http-auth@example.org:Circle of Life");
  const RFC_HA2 = hash("md5", "GET:/dir/index.html");
  const { nonce } = RFC_CHALLENGE;

  it("reproduces the RFC 7616 MD5 example exactly", () => {
    expect(buildDigestAuthorization(RFC_INPUT)).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
        'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
        'response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
  });

  it("reproduces the RFC 7616 SHA-256 example", () => {
    const header = rfc({ algorithm: "SHA-256" });
    expect(field(header, "response")).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
    expect(header).toContain(", algorithm=SHA-256, ");
  });

  it("hashes nonce and cnonce into HA1 for -sess", () => {
    const ha1 = hash("md5", `${RFC_HA1}:${nonce}:${RFC_INPUT.cnonce}`);
    const expected = hash("md5", `${ha1}:${nonce}:00000001:${RFC_INPUT.cnonce}:auth:${RFC_HA2}`);
    expect(field(rfc({ algorithm: "MD5-sess" }), "response")).toBe(expected);
  });

  it("falls back to RFC 2069 without qop, nc or cnonce", () => {
    const header = rfc({ qop: [] });
    expect(field(header, "response")).toBe(hash("md5", `${RFC_HA1}:${nonce}:${RFC_HA2}`));
    expect(header).not.toMatch(/qop=|nc=|cnonce=/);
  });

  it("writes nc as 8 hex digits, escapes quoted values and rejects impossible counts", () => {
    const header = rfc({}, { nc: 255, username: 'a"b\\c' });
    expect(header).toContain(", nc=000000ff, ");
    expect(header).toContain('username="a\\"b\\\\c"');
    expect(() => rfc({}, { nc: 0 })).toThrow(DigestError);
  });
});

describe("parseDigestChallenge", () => {
  it("reads the Atlas challenge with unquoted algorithm and stale", () => {
    const header = `Digest realm="MMS Public API", domain="", nonce="abc", algorithm=MD5, qop="auth", stale=false`;
    const expected = {
      realm: REALM,
      nonce: "abc",
      algorithm: "MD5",
      qop: ["auth"],
      stale: false,
      domain: [],
    };
    expect(parseDigestChallenge(header)).toEqual(expected);
  });

  it("keeps commas and escaped quotes inside quoted values and ignores name case", () => {
    const header = 'DIGEST Realm="a, b", NONCE="n,1", opaque="x\\"y", stale="TRUE", algorithm="sha-256"';
    const expected = { realm: "a, b", nonce: "n,1", opaque: 'x"y', stale: true, algorithm: "SHA-256" };
    expect(parseDigestChallenge(header)).toMatchObject(expected);
  });

  it("finds Digest among several schemes, with a qop list and domains", () => {
    const header =
      'Bearer abc==, Basic realm="x", Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=md5-sess, domain="/a /b"';
    const expected = { realm: "r", algorithm: "MD5-sess", qop: ["auth", "auth-int"], domain: ["/a", "/b"] };
    expect(parseDigestChallenge(header)).toMatchObject(expected);
  });

  it("takes the first Digest challenge it can answer", () => {
    const header =
      'Digest realm="r", nonce="1", algorithm=SHA-512-256, Digest realm="r", nonce="2", algorithm=SHA-256';
    expect(parseDigestChallenge(header)).toMatchObject({ nonce: "2", algorithm: "SHA-256" });
  });

  it("returns undefined without a Digest challenge", () => {
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge("")).toBeUndefined();
  });

  it.each([
    ['Digest realm="r", nonce="n", algorithm=SHA-512-256', /unsupported algorithm "SHA-512-256"/],
    ['Digest realm="r", nonce="n", qop="auth-int"', /unsupported qop/],
    ['Digest realm="r", algorithm=MD5', /nonce missing/],
    ['realm="r", nonce="n"', /malformed/],
  ])("rejects %s with a clear DigestError", (header, message) => {
    expect(() => parseDigestChallenge(header)).toThrow(message);
    expect(() => parseDigestChallenge(header)).toThrow(DigestError);
  });
});

describe("DigestAuthenticator", () => {
  const credentials = { username: "pub", password: "priv-secret" };

  it("learns the challenge once, then authorises pre-emptively with the next nc", async () => {
    const server = fakeServer("priv-secret");
    const auth = new DigestAuthenticator(credentials, { cnonce: () => "c1" });
    const request = get("/api/x?pretty=true", { headers: { Authorization: "stale caller value" } });
    expect((await auth.send(server.transport, request)).status).toBe(200);
    expect(server.seen[0]?.headers).toEqual({});
    expect((await auth.send(server.transport, get("/api/y"))).status).toBe(200);
    expect(ncs(server.seen)).toEqual([undefined, "00000001", "00000002"]);
    expect(field(server.seen[1]?.headers.authorization ?? "", "uri")).toBe("/api/x?pretty=true");
  });

  it("never repeats an nc, even when concurrent calls are answered with one shared nonce", async () => {
    const server = fakeServer("priv-secret");
    const auth = new DigestAuthenticator(credentials);
    const calls = Array.from({ length: 20 }, (_, i) => auth.send(server.transport, get(`/p?i=${i}`)));
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    // No idle nonce at first: each call learns a challenge of its own, so 20 probes.
    const sent = ncs(server.seen);
    expect(sent.filter((nc) => nc === undefined)).toHaveLength(20);
    const expected = Array.from({ length: 20 }, (_, i) => hex8(i + 1));
    expect(sent.filter((nc) => nc !== undefined).sort()).toEqual(expected);
    // Once answered, the nonce is idle again: the next call authorises pre-emptively with the next nc.
    const before = server.seen.length;
    expect((await auth.send(server.transport, get("/q"))).status).toBe(200);
    expect(ncs(server.seen.slice(before))).toEqual([hex8(21)]);
  });

  it("leases a nonce to one request at a time, so its uses reach the server in nc order", async () => {
    const server = fakeServer("priv-secret");
    const auth = new DigestAuthenticator(credentials);
    await auth.send(server.transport, get("/warm"));
    const before = server.seen.length;
    await Promise.all(Array.from({ length: 10 }, (_, i) => auth.send(server.transport, get(`/p?i=${i}`))));
    const authenticated = ncs(server.seen.slice(before)).filter((nc) => nc !== undefined);
    // Arrival order is the order the server checks: strictly increasing, never a stale rejection.
    const numbers = authenticated.map((nc) => Number.parseInt(nc ?? "", 16));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it("restarts nc at 1 for a new nonce after stale=true, with one resend", async () => {
    const server = fakeServer("priv-secret");
    const auth = new DigestAuthenticator(credentials);
    await auth.send(server.transport, get("/a"));
    await auth.send(server.transport, get("/a"));
    server.rotate();
    const before = server.seen.length;
    expect((await auth.send(server.transport, get("/a"))).status).toBe(200);
    expect(ncs(server.seen.slice(before))).toEqual(["00000003", "00000001"]);
    expect(field(server.seen.at(-1)?.headers.authorization ?? "", "nonce")).toBe("nonce-2");
  });

  it("returns the 401 for a wrong password after a single resend", async () => {
    const server = fakeServer("the-real-one");
    const auth = new DigestAuthenticator(credentials);
    expect((await auth.send(server.transport, get("/a"))).status).toBe(401);
    expect(server.seen).toHaveLength(2);
    expect((await auth.send(server.transport, get("/a"))).status).toBe(401);
    expect(server.seen).toHaveLength(4);
  });

  it("answers with the server's algorithm=SHA-256 and re-sends the same body", async () => {
    const server = fakeServer("priv-secret", "SHA-256");
    const auth = new DigestAuthenticator(credentials);
    const body = '{"vpcId":"vpc-1","note":"é"}';
    const res = await auth.send(server.transport, get("/peer", { method: "PATCH", body }));
    expect(res.status).toBe(200);
    expect(server.seen.map((r) => r.body)).toEqual([body, body]);
    expect(server.seen[1]?.headers.authorization).toMatch(/algorithm=SHA-256, .*response="[0-9a-f]{64}"/);
  });

  it("returns a 401 without a Digest challenge as it is, and keeps origins apart", async () => {
    const calls: HttpRequest[] = [];
    const bearer = async (req: HttpRequest) => reply(401, 'Bearer realm="x"', String(calls.push(req)));
    const auth = new DigestAuthenticator(credentials);
    expect(await auth.send(bearer, get("/a"))).toMatchObject({ status: 401, body: "1" });
    expect(calls).toHaveLength(1);
    const server = fakeServer("priv-secret");
    await auth.send(server.transport, get("/a"));
    await auth.send(server.transport, { ...get("/a"), url: "https://other.example.test/a" });
    expect(ncs(server.seen)).toEqual([undefined, "00000001", undefined, "00000001"]);
  });

  it("raises a DigestError without credentials for an unusable challenge", async () => {
    const transport = async () => reply(401, 'Digest realm="r", nonce="n", algorithm=SHA-512');
    const auth = new DigestAuthenticator(credentials);
    const error = await auth.send(transport, get("/a")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestError);
    expect(String((error as Error).message)).not.toMatch(/priv-secret|pub/);
  });
});
