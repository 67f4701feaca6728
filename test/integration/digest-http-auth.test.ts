import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import auth from "http-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DigestAuthenticator } from "../../src/adapters/atlas/digest/DigestAuthenticator.js";
import { createUndiciTransport, type HttpRequest } from "../../src/adapters/http/undiciTransport.js";

const REALM = "MMS Public API";
const USER = "pubkey";
const PASSWORD = "priv-key-0123";
const ha1 = createHash("md5").update(`${USER}:${REALM}:${PASSWORD}`).digest("hex");
// http-auth 4.2.1: MD5, qop="auth", a fresh nonce per 401, and nc must grow per nonce (else stale=true).
const digest = auth.digest({ realm: REALM, file: () => `${USER}:${REALM}:${ha1}\n` });
let failures = 0;
digest.on("fail", () => failures++);

/** Echoes what arrived, with a hash of the exact body bytes. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const bytes = Buffer.concat(chunks);
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        contentType: req.headers["content-type"],
        sha256: createHash("sha256").update(bytes).digest("hex"),
        length: bytes.length,
      }),
    );
  });
}

const checked = digest.check(echo);
// Requests to `/slow…` reach http-auth 30 ms late, so their nc arrives after larger ones: out of order.
const server = createServer((req, res) =>
  setTimeout(() => checked(req, res), req.url?.startsWith("/slow") ? 30 : 0),
);
let base = "";
const options = { connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 };
const parallel = createUndiciTransport(options);
const serial = createUndiciTransport({ ...options, connections: 1 });
const get = (path: string): HttpRequest => ({ method: "GET", url: `${base}${path}`, headers: {} });

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  failures = 0;
});
afterAll(async () => {
  await Promise.all([parallel.close(), serial.close()]);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("DigestAuthenticator against http-auth 4.2.1", () => {
  it("authenticates sequential GETs, challenging only once", async () => {
    const client = new DigestAuthenticator({ username: USER, password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      const res = await client.send(parallel, get(`/api/atlas/v2/groups/g1/peers/p1?pretty=false&i=${i}`));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).url).toBe(`/api/atlas/v2/groups/g1/peers/p1?pretty=false&i=${i}`);
    }
    expect(failures).toBe(1);
  });

  it("delivers a PATCH JSON body byte for byte, also when it is re-sent after the challenge", async () => {
    const client = new DigestAuthenticator({ username: USER, password: PASSWORD });
    const body = JSON.stringify({
      providerName: "AWS",
      vpcId: "vpc-0abc",
      note: "naïve ✓ 𝄞",
      cidr: "10.8.0.0/21",
    });
    const bytes = Buffer.from(body, "utf8");
    const request: HttpRequest = {
      method: "PATCH",
      url: `${base}/api/atlas/v2/groups/g1/peers/p1`,
      headers: { "content-type": "application/json" },
      body,
    };
    for (const attempt of ["after the 401", "pre-emptive"]) {
      const res = await client.send(parallel, request);
      expect(res.status, attempt).toBe(200);
      expect(JSON.parse(res.body)).toEqual({
        method: "PATCH",
        url: "/api/atlas/v2/groups/g1/peers/p1",
        contentType: "application/json",
        sha256: createHash("sha256").update(bytes).digest("hex"),
        length: bytes.length,
      });
    }
    expect(failures).toBe(1);
  });

  it("serves 25 concurrent calls over parallel connections, then 25 more without a single challenge", async () => {
    const client = new DigestAuthenticator({ username: USER, password: PASSWORD });
    const wave = () =>
      Promise.all(Array.from({ length: 25 }, (_, i) => client.send(parallel, get(`/c?i=${i}`))));
    expect((await wave()).map((r) => r.status)).toEqual(Array(25).fill(200));
    const coldFailures = failures;
    expect(coldFailures).toBeLessThanOrEqual(25); // at most one probe per call; no replay rejections
    expect((await wave()).map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(failures).toBe(coldFailures); // warm: every call found an idle nonce of its own
  });

  it("keeps working with uneven latency across connections", async () => {
    const client = new DigestAuthenticator({ username: USER, password: PASSWORD });
    await client.send(parallel, get("/warm-up"));
    const path = (i: number) => (i % 5 === 0 ? `/slow?i=${i}` : `/fast?i=${i}`);
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => client.send(serial, get(path(i)))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
  });

  it("returns 401 for a wrong password", async () => {
    const client = new DigestAuthenticator({ username: USER, password: "not-the-key" });
    const res = await client.send(parallel, get("/api/atlas/v2/groups/g1/peers/p1"));
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Digest realm="MMS Public API"/);
    expect(failures).toBe(2);
  });
});
