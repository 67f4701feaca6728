import { describe, expect, it } from "vitest";
import { GROUP_A, PEER_1 } from "../../../helpers/callers.js";
import { RotatingCredentials } from "../../../helpers/fakes.js";
import { KEYS, listPath, peerPath, readsSetup, THREE_PEERS, V2 } from "./readsSetup.js";

const problem = (result: { body: string }) => JSON.parse(result.body);

describe("GET one peer, as Atlas answers it", () => {
  it("passes Atlas's status, body, Content-Type and rate-limit headers back, and nothing else of Atlas's", async () => {
    const { atlas, send } = readsSetup();
    const result = await send("GET", peerPath(), { query: "pretty=true&envelope=false" });
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(atlas.current.body);
    expect(result.headers).toMatchObject({
      "content-type": V2,
      "ratelimit-limit": "100",
      "ratelimit-remaining": "97",
    });
    expect(result.headers.server).toBeUndefined();
    expect(atlas.calls).toEqual([
      {
        method: "GET",
        credentials: KEYS,
        call: {
          groupId: GROUP_A,
          peerId: PEER_1,
          apiVersion: "v2",
          query: { pretty: true, envelope: false },
        },
      },
    ]);
  });

  it("serves v1.0 too, and passes Atlas's 404 through unchanged", async () => {
    const { atlas, send } = readsSetup();
    const notFound = { status: 404, body: '{"error":404,"errorCode":"PEER_NOT_FOUND"}' };
    atlas.current = notFound;
    const result = await send("GET", peerPath(PEER_1, "v1.0"));
    expect(result).toMatchObject({ statusCode: 404, body: notFound.body });
    expect(atlas.calls[0]?.call.apiVersion).toBe("v1.0");
  });

  it("refuses a query parameter Atlas's GET does not have, by name, without calling Atlas", async () => {
    const { atlas, send } = readsSetup();
    const result = await send("GET", peerPath(), { query: "pretty=yes&pageNum=1" });
    expect(result.statusCode).toBe(400);
    expect(problem(result).errors.map((e: { path: string }) => e.path)).toEqual([
      "query.pageNum",
      "query.pretty",
    ]);
    expect(atlas.calls).toEqual([]);
  });

  it("answers 405 naming GET and PATCH for other methods on a peer, and GET on the list", async () => {
    const { send } = readsSetup();
    expect(await send("DELETE", peerPath())).toMatchObject({
      statusCode: 405,
      headers: { Allow: "GET, PATCH" },
    });
    expect(await send("POST", listPath(), { body: "{}" })).toMatchObject({
      statusCode: 405,
      headers: { Allow: "GET" },
    });
  });
});

describe("GET the peer list, as Atlas answers it", () => {
  it("forwards every list parameter as validated and passes the page back byte for byte", async () => {
    const { atlas, send } = readsSetup();
    const query =
      "providerName=GCP&pageNum=2&itemsPerPage=500&includeCount=false&pretty=false&envelope=false";
    const result = await send("GET", listPath("v1.0"), { query });
    expect(result).toMatchObject({ statusCode: 200, body: JSON.stringify(THREE_PEERS) });
    expect(result.headers["ratelimit-remaining"]).toBe("97");
    expect(atlas.listCalls).toEqual([
      {
        credentials: KEYS,
        call: {
          groupId: GROUP_A,
          apiVersion: "v1.0",
          query: {
            providerName: "GCP",
            pageNum: 2,
            itemsPerPage: 500,
            includeCount: false,
            pretty: false,
            envelope: false,
          },
        },
      },
    ]);
  });

  it("names every bad parameter in one 400, as Atlas's spec bounds them, and never calls Atlas", async () => {
    const { atlas, send } = readsSetup();
    const query =
      "providerName=aws&pageNum=0&itemsPerPage=501&includeCount=yes&envelope=1&pretty=TRUE&limit=5";
    const result = await send("GET", listPath(), { query });
    expect(result.statusCode).toBe(400);
    expect(problem(result).errors.map((e: { path: string }) => e.path)).toEqual([
      "query.envelope",
      "query.includeCount",
      "query.itemsPerPage",
      "query.limit",
      "query.pageNum",
      "query.pretty",
      "query.providerName",
    ]);
    expect(atlas.listCalls).toEqual([]);
  });

  it.each([
    ["pageNum=01", "query.pageNum"],
    ["pageNum=-1", "query.pageNum"],
    ["pageNum=2147483648", "query.pageNum"],
    ["itemsPerPage=1.5", "query.itemsPerPage"],
    ["itemsPerPage=", "query.itemsPerPage"],
  ])("refuses %s", async (query, path) => {
    const { atlas, send } = readsSetup();
    const result = await send("GET", listPath(), { query });
    expect(problem(result).errors).toEqual([{ path, message: expect.stringMatching(/whole number/) }]);
    expect(atlas.listCalls).toEqual([]);
  });

  it("accepts the bounds Atlas accepts", async () => {
    const { atlas, send } = readsSetup();
    const result = await send("GET", listPath(), { query: "pageNum=2147483647&itemsPerPage=1" });
    expect(result.statusCode).toBe(200);
    expect(atlas.listCalls[0]?.call.query).toEqual({ pageNum: 2_147_483_647, itemsPerPage: 1 });
  });

  it("refuses a malformed project id by name", async () => {
    const { atlas, send } = readsSetup();
    const result = await send("GET", "/api/atlas/v2/groups/NOT-A-GROUP/peers");
    expect(problem(result).errors.map((e: { path: string }) => e.path)).toEqual(["path.groupId"]);
    expect(atlas.listCalls).toEqual([]);
  });
});

describe("when Atlas does not give the list", () => {
  it("reads the keys again once when Atlas refuses them, and answers the gateway's 502 if still refused", async () => {
    const credentials = new RotatingCredentials(KEYS);
    const { atlas, send } = readsSetup(credentials);
    atlas.list = { status: 401, body: '{"error":401,"reason":"Unauthorized"}' };
    const result = await send("GET", listPath());
    expect(result.statusCode).toBe(502);
    const body = problem(result);
    expect(body.type).toContain("atlas-credentials-refused");
    // A read keeps nothing to send again: the change's sentence must not appear.
    expect(body.detail).not.toMatch(/change/i);
    expect(credentials.fetches.map((f) => f.refresh)).toEqual([false, true]);
    expect(atlas.listCalls).toHaveLength(2);
  });

  it("passes an Atlas 503 through, as Atlas sent it", async () => {
    const { atlas, send } = readsSetup();
    atlas.list = { status: 503, body: '{"error":503}', headers: { "retry-after": "7" } };
    const result = await send("GET", listPath());
    expect(result).toMatchObject({ statusCode: 503, body: '{"error":503}', headers: { "retry-after": "7" } });
  });

  it("answers a 5xx problem naming no secret when the keys cannot be loaded", async () => {
    const broken = {
      credentialsFor: async () => {
        const { AtlasCredentialsError } = await import("../../../../src/ports/AtlasCredentialSource.js");
        throw new AtlasCredentialsError("missing", "secret gw/atlas does not exist");
      },
    };
    const { atlas, send } = readsSetup(broken);
    const result = await send("GET", peerPath());
    expect(result.statusCode).toBeGreaterThanOrEqual(500);
    expect(result.body).not.toContain(KEYS.privateKey);
    expect(atlas.calls).toEqual([]);
  });
});
