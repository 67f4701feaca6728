import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DigestAuthenticator } from "../../src/adapters/atlas/digest/DigestAuthenticator.js";
import {
  createUndiciTransport,
  type HttpRequest,
  type HttpResponse,
} from "../../src/adapters/http/undiciTransport.js";
import { type ApacheServer, startApache } from "./support/apache.js";

const USER = "pubkey";
const PASSWORD = "s3cr3t:pw";
let apache: ApacheServer;

// Parallel connections, as the gateway uses them. Apache checks nc against a per-client counter that it
// bumps as each request arrives (AH01774 on a mismatch), so the authenticator must never let two requests
// share a nonce in flight.
const transport = createUndiciTransport({
  connectTimeoutMs: 2000,
  headersTimeoutMs: 5000,
  bodyTimeoutMs: 5000,
});

/** The real transport, recording each exchange so tests can see the 401s the authenticator absorbed. */
function recording() {
  const exchanges: { req: HttpRequest; res: HttpResponse }[] = [];
  const send = async (req: HttpRequest) => {
    const res = await transport(req);
    exchanges.push({ req, res });
    return res;
  };
  return { send, exchanges, statuses: () => exchanges.map((e) => e.res.status) };
}

const get = (path: string): HttpRequest => ({ method: "GET", url: `${apache.baseUrl}${path}`, headers: {} });

beforeAll(async () => {
  apache = await startApache({ [USER]: PASSWORD }, 1);
});
afterAll(async () => {
  await transport.close();
  await apache?.stop();
});

describe("DigestAuthenticator against Apache mod_auth_digest (AuthDigestNcCheck On)", () => {
  it("authenticates sequential GETs with a query string, pre-emptively after the first", async () => {
    const auth = new DigestAuthenticator({ username: USER, password: PASSWORD });
    const { send, statuses, exchanges } = recording();
    for (let page = 1; page <= 5; page++) {
      const res = await auth.send(send, get(`/secure/hello.txt?page=${page}&q=a%20b`));
      expect(res).toMatchObject({ status: 200, body: "hello from secure\n" });
    }
    expect(statuses()).toEqual([401, 200, 200, 200, 200, 200]);
    expect(exchanges[5]?.req.headers.authorization).toMatch(
      /uri="\/secure\/hello.txt\?page=5&q=a%20b", .*nc=00000005/,
    );
    expect(await apache.accessLog()).toContain('"GET /secure/hello.txt?page=5&q=a%20b HTTP/1.1" 200');
  });

  it("serves waves of 30 concurrent GETs on one authenticator without a replay warning", async () => {
    const auth = new DigestAuthenticator({ username: USER, password: PASSWORD });
    const { send, statuses } = recording();
    const logBefore = (await apache.errorLog()).length;
    const wave = () =>
      Promise.all(Array.from({ length: 30 }, (_, i) => auth.send(send, get(`/secure/hello.txt?i=${i}`))));
    expect((await wave()).map((r) => r.status)).toEqual(Array(30).fill(200));
    const coldChallenges = statuses().filter((s) => s === 401).length;
    expect(coldChallenges).toBeLessThanOrEqual(30); // one probe per cold call at most, never a rejected answer
    expect((await wave()).map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(statuses().filter((s) => s === 401)).toHaveLength(coldChallenges); // warm: all pre-emptive
    const log = (await apache.errorLog()).slice(logBefore);
    expect(log).not.toMatch(/AH01774|nonce-count check failed/);
  });

  it("authenticates a PATCH with a body (Apache then refuses the method on a static file)", async () => {
    const auth = new DigestAuthenticator({ username: USER, password: PASSWORD });
    const { send, statuses } = recording();
    const body = JSON.stringify({ vpcId: "vpc-0123", routeTableCidrBlock: "10.0.0.0/16" });
    const res = await auth.send(send, { ...get("/secure/hello.txt"), method: "PATCH", body });
    // 405 comes from the handler, which runs only after mod_auth_digest accepted the credentials.
    expect(res.status).toBe(405);
    expect(statuses()).toEqual([401, 405]);
  });

  it("returns 401 for a wrong password after one authenticated attempt", async () => {
    const auth = new DigestAuthenticator({ username: USER, password: "wrong" });
    const { send, statuses } = recording();
    expect((await auth.send(send, get("/secure/hello.txt"))).status).toBe(401);
    expect(statuses()).toEqual([401, 401]);
  });

  it("recovers from a nonce that went stale", async () => {
    const auth = new DigestAuthenticator({ username: USER, password: PASSWORD });
    const { send, exchanges } = recording();
    expect((await auth.send(send, get("/stale/hello.txt"))).status).toBe(200);
    await sleep(2500); // AuthDigestNonceLifetime is 1 s on /stale/
    const res = await auth.send(send, get("/stale/hello.txt?after=expiry"));
    expect(res).toMatchObject({ status: 200, body: "hello from stale\n" });
    const [stale, retry] = exchanges.slice(2);
    expect(stale?.res.status).toBe(401);
    expect(stale?.res.headers["www-authenticate"]).toMatch(/stale=true/);
    expect(retry?.req.headers.authorization).toMatch(/nc=00000001/);
  });
});
