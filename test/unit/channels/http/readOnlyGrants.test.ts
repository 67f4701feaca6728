import { describe, expect, it } from "vitest";
import { GROUP_A, PEER_1 } from "../../../helpers/callers.js";
import { listPath, peerPath, readsSetup, TOKENS } from "./readsSetup.js";

const PEERING = {
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
};
const AWS_BODY = JSON.stringify(PEERING);
const READ_ONLY_RULE = /read-only access .* access: "read".*access "change"/;

/** The 403 a read-only grant gets: it names the rule, so an operator knows which grant to widen. */
function expectReadOnlyRefusal(result: { statusCode: number; body: string }) {
  expect(result.statusCode).toBe(403);
  expect(JSON.parse(result.body).detail).toMatch(READ_ONLY_RULE);
}

describe("a read-only grant", () => {
  it("reads the peer and the whole list", async () => {
    const { atlas, send } = readsSetup();
    expect((await send("GET", peerPath(), { token: TOKENS.viewer })).statusCode).toBe(200);
    const list = await send("GET", listPath(), { token: TOKENS.viewer });
    expect(list).toMatchObject({ statusCode: 200, body: atlas.list.body });
  });

  it("may not PATCH through the drop-in route; Atlas never sees it", async () => {
    const { atlas, send } = readsSetup();
    expectReadOnlyRefusal(await send("PATCH", peerPath(), { token: TOKENS.viewer, body: AWS_BODY }));
    expect(atlas.calls).toEqual([]);
  });

  it("may not submit a change, nor a dry run of one", async () => {
    const { atlas, send, store } = readsSetup();
    for (const dryRun of [false, true]) {
      const body = JSON.stringify({ groupId: GROUP_A, peerId: PEER_1, peering: PEERING, dryRun });
      expectReadOnlyRefusal(await send("POST", "/v1/peering-changes", { token: TOKENS.viewer, body }));
    }
    expect(atlas.calls).toEqual([]);
    expect((await store.list({ groupId: GROUP_A, limit: 50 })).items).toEqual([]);
  });

  it("sees a change and the audit trail, but may not cancel the change", async () => {
    const { send } = readsSetup();
    const body = JSON.stringify({ groupId: GROUP_A, peerId: PEER_1, peering: PEERING });
    const submitted = JSON.parse((await send("POST", "/v1/peering-changes", { body })).body);
    const path = `/v1/peering-changes/${submitted.id}`;
    expect((await send("GET", path, { token: TOKENS.viewer })).statusCode).toBe(200);
    const listed = await send("GET", "/v1/peering-changes", {
      token: TOKENS.viewer,
      query: `groupId=${GROUP_A}`,
    });
    expect(JSON.parse(listed.body).items.map((c: { id: string }) => c.id)).toEqual([submitted.id]);
    const trail = await send("GET", "/v1/audit", { token: TOKENS.viewer, query: `groupId=${GROUP_A}` });
    expect(JSON.parse(trail.body).items.length).toBeGreaterThan(0);
    expectReadOnlyRefusal(await send("DELETE", path, { token: TOKENS.viewer }));
    expect(JSON.parse((await send("GET", path)).body).state).not.toBe("CANCELLED");
  });

  it("is audited as refused by policy when it tries a change", async () => {
    const { audit, send } = readsSetup();
    await send("PATCH", peerPath(), { token: TOKENS.viewer, body: AWS_BODY });
    expect(audit.withOutcome("refused")).toEqual([
      expect.objectContaining({ callerId: "viewer", groupId: GROUP_A, peerId: PEER_1, reason: "forbidden" }),
    ]);
  });
});
