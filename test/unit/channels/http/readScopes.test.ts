import { describe, expect, it } from "vitest";
import { GROUP_A, GROUP_B, PEER_1, PEER_2 } from "../../../helpers/callers.js";
import { listPath, PEER_3, peerPath, readsSetup, THREE_PEERS, TOKENS } from "./readsSetup.js";

const AWS_BODY = JSON.stringify({
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
});

describe("a caller granted some peers of the project", () => {
  it("reads its peer, and is refused another peer with the same 403 as a PATCH, before Atlas is called", async () => {
    const { atlas, send } = readsSetup();
    expect((await send("GET", peerPath(PEER_1), { token: TOKENS.narrow })).statusCode).toBe(200);
    const other = await send("GET", peerPath(PEER_2), { token: TOKENS.narrow });
    const patch = await send("PATCH", peerPath(PEER_2), { token: TOKENS.narrow, body: AWS_BODY });
    expect(other.statusCode).toBe(403);
    expect(patch.statusCode).toBe(403);
    expect(JSON.parse(other.body).type).toBe(JSON.parse(patch.body).type);
    expect(atlas.calls.map((c) => c.call.peerId)).toEqual([PEER_1]);
  });

  it("sees only its peers in the list: totalCount counts them, and no link tells of other pages", async () => {
    const { send } = readsSetup();
    const result = await send("GET", listPath(), { token: TOKENS.narrow, query: "itemsPerPage=3" });
    expect(result.statusCode).toBe(200);
    const page = JSON.parse(result.body);
    expect(page.results.map((p: { id: string }) => p.id)).toEqual([PEER_1]);
    expect(page.totalCount).toBe(1);
    expect(page.links).toEqual([THREE_PEERS.links[0]]);
    expect(result.body).not.toContain(PEER_2);
    expect(result.body).not.toContain(PEER_3);
  });

  it("cuts the list inside Atlas's envelope, keeps includeCount=false's missing count, and keeps pretty", async () => {
    const { atlas, send } = readsSetup();
    const { totalCount: _count, ...uncounted } = THREE_PEERS;
    atlas.list = { status: 200, body: JSON.stringify({ ...uncounted, status: 200 }) };
    const result = await send("GET", listPath(), {
      token: TOKENS.narrow,
      query: "envelope=true&includeCount=false&pretty=true",
    });
    expect(result.body).toContain("\n  ");
    const page = JSON.parse(result.body);
    expect(page).toMatchObject({ status: 200, results: [{ id: PEER_1 }] });
    expect(page).not.toHaveProperty("totalCount");
  });

  it("gets Atlas's error answer to the list unchanged: it names no peer", async () => {
    const { atlas, send } = readsSetup();
    atlas.list = { status: 400, body: '{"error":400,"errorCode":"INVALID_PROVIDER"}' };
    const result = await send("GET", listPath(), { token: TOKENS.narrow });
    expect(result).toMatchObject({ statusCode: 400, body: atlas.list.body });
  });

  it("is shown nothing when Atlas's 200 is not a list the gateway can cut", async () => {
    const { atlas, send } = readsSetup();
    atlas.list = { status: 200, body: "<html>maintenance</html>" };
    const result = await send("GET", listPath(), { token: TOKENS.narrow });
    expect(result.statusCode).toBe(503);
    expect(result.body).not.toContain("maintenance");
  });

  it("a whole-project caller gets the list exactly as Atlas sent it", async () => {
    const { atlas, send } = readsSetup();
    const result = await send("GET", listPath());
    expect(result.body).toBe(atlas.list.body);
  });
});

describe("a caller outside the project", () => {
  it("gets 403 on the peer and on the list, and Atlas is never asked", async () => {
    const { atlas, send } = readsSetup();
    const other = `/api/atlas/v2/groups/${GROUP_B}/peers`;
    expect((await send("GET", other)).statusCode).toBe(403);
    expect((await send("GET", `${other}/${PEER_1}`)).statusCode).toBe(403);
    expect(atlas.calls).toEqual([]);
    expect(atlas.listCalls).toEqual([]);
  });
});

describe("reads leave one audit record each, and nothing else", () => {
  it("records who read which peer through which route and what Atlas answered, never the body", async () => {
    const { atlas, audit, send } = readsSetup();
    atlas.current = { status: 404, body: '{"error":404,"detail":"secret-ish peer body"}' };
    await send("GET", peerPath(PEER_1, "v1.0"), { token: TOKENS.viewer });
    await send("GET", listPath(), { token: TOKENS.narrow, query: "envelope=true" });
    expect(audit.withOutcome("read")).toEqual([
      expect.objectContaining({
        channel: "http",
        callerId: "viewer",
        groupId: GROUP_A,
        peerId: PEER_1,
        detail: "GET /api/atlas/v1.0/groups/{groupId}/peers/{peerId}",
        atlas: { httpStatus: 404 },
      }),
      expect.objectContaining({
        callerId: "narrow",
        groupId: GROUP_A,
        detail: "GET /api/atlas/v2/groups/{groupId}/peers",
        atlas: { httpStatus: 200 },
      }),
    ]);
    expect(audit.withOutcome("read")[1]).not.toHaveProperty("peerId");
    expect(JSON.stringify(audit.records)).not.toContain("secret-ish");
    expect(JSON.stringify(audit.records)).not.toContain("vpc-");
  });

  it("records no change, takes no lock, schedules nothing: a PATCH right after a read goes ahead", async () => {
    const { send, store, scheduler } = readsSetup();
    await send("GET", peerPath());
    await send("GET", listPath());
    expect((await store.list({ groupId: GROUP_A, limit: 50 })).items).toEqual([]);
    expect(scheduler.scheduled).toEqual([]);
    expect((await send("PATCH", peerPath(), { body: AWS_BODY })).statusCode).toBe(200);
  });
});
