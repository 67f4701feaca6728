import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AtlasSimulator, DEMO_PRIVATE_KEY } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";

/**
 * `POST /v1/peering-changes` with a peering that names only the fields to change, against the local stack and
 * the Atlas simulator: the gateway reads the peer, fills in the rest, and sends and records the whole.
 */

const TOKEN = "e2e-token-partial-4b7e1d";
const UNKNOWN_PEER = "5f1e2d3c4b5a69788796a5ff";
let sim: AtlasSimulator;
let local: LocalStack;
const transcript = new Transcript();

beforeAll(async () => {
  sim = await startFastSimulator();
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local.close();
  await sim.close();
});

const api = () => changeApi(local.gatewayUrl, TOKEN, transcript);
const aws = () => ({ groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId });
const peerPath = () => `/api/atlas/v2/groups/${sim.demo.groupId}/peers/${sim.demo.peers.aws.peerId}`;
/** The peer as the simulator (Atlas) holds it, read through the gateway's drop-in GET. */
async function atlasPeer() {
  const answer = await transcript.fetch(`${local.gatewayUrl}${peerPath()}`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: "application/vnd.atlas.2023-01-01+json" },
  });
  return answer.body;
}
/** The demo AWS peer's writable fields, as a partial request is completed to, with `routeTableCidrBlock`. */
function completed(routeTableCidrBlock: string) {
  const { accepterRegionName, awsAccountId, containerId, vpcId } = sim.demo.peers.aws;
  return { providerName: "AWS", accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId };
}
const requestsTo = (peerId: string) => sim.requests.filter((r) => r.path.endsWith(peerId)).length;

describe("partial changes: only the fields to change", () => {
  it("answers a partial dry run with the merged body and the one real difference, sending nothing", async () => {
    const answer = await api().submit({
      ...aws(),
      peering: { routeTableCidrBlock: "10.13.0.0/21" },
      dryRun: true,
    });
    expect(answer.status).toBe(200);
    const before = sim.demo.peers.aws.routeTableCidrBlock;
    expect(answer.body).toMatchObject({
      dryRun: true,
      noop: false,
      merged: completed("10.13.0.0/21"),
      diff: [{ field: "routeTableCidrBlock", current: before, desired: "10.13.0.0/21" }],
      changes: [`routeTableCidrBlock: ${before} → 10.13.0.0/21`],
      current: { routeTableCidrBlock: before, statusName: "AVAILABLE" },
    });
    expect(patchesTo(sim, aws().peerId)).toEqual([]);
  });

  it("refuses a misspelt field, a wrong type and another provider's field in one 400, before any read", async () => {
    const seen = requestsTo(aws().peerId);
    const peering = { routeTableCidrBlok: "10.13.0.0/21", vpcId: 7, networkName: "default" };
    const answer = await api().submit({ ...aws(), peering });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "peering.networkName",
      "peering.routeTableCidrBlok",
      "peering.vpcId",
    ]);
    expect(requestsTo(aws().peerId)).toBe(seen);
  });

  it("refuses a providerName that is not the peer's with a 400 naming providerName", async () => {
    const answer = await api().submit({ ...aws(), peering: { providerName: "GCP", networkName: "default" } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { path: "peering.providerName", message: expect.stringContaining("an AWS peering") },
    ]);
    expect(patchesTo(sim, aws().peerId)).toEqual([]);
  });

  it("answers a peer Atlas does not have with a 404 naming it, and one it cannot read with a 503", async () => {
    const unknown = {
      groupId: sim.demo.groupId,
      peerId: UNKNOWN_PEER,
      peering: { routeTableCidrBlock: "10.13.0.0/21" },
    };
    const missing = await api().submit(unknown);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      type: expect.stringMatching(/peer-not-found$/),
      peerId: UNKNOWN_PEER,
    });
    expect(missing.body.detail).toContain(`no peer ${UNKNOWN_PEER}`);
    sim.faults.inject({ status: 503, count: 20, match: { method: "GET", path: `*/peers/${aws().peerId}` } });
    const down = await api().submit({ ...aws(), peering: { routeTableCidrBlock: "10.13.0.0/21" } });
    sim.faults.clear();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ type: expect.stringMatching(/peer-unreadable$/) });
    expect(down.body.detail).toMatch(/could not read peer .*Nothing was sent/);
    expect(patchesTo(sim, aws().peerId)).toEqual([]);
    expect((await api().submit({ ...unknown, dryRun: true })).status).toBe(404);
  });

  it("completes a change of routeTableCidrBlock alone: SUCCEEDED, and Atlas holds the merged body", async () => {
    const request = { ...aws(), peering: { routeTableCidrBlock: "10.13.0.0/21" } };
    const headers = { "idempotency-key": "partial-e2e-1" };
    const answer = await submitWith(request, headers);
    expect([200, 202]).toContain(answer.status);
    expect(answer.body.change.desired).toEqual(completed("10.13.0.0/21"));
    const settled = await api().settled(answer.body.id);
    expect(settled.state).toBe("SUCCEEDED");
    const patches = patchesTo(sim, aws().peerId);
    expect(patches.map((p) => JSON.parse(p.body))).toEqual([completed("10.13.0.0/21")]);
    expect(await atlasPeer()).toMatchObject(completed("10.13.0.0/21"));
    // The same partial request under its key is the same change; another request under it is refused.
    const again = await submitWith(request, headers);
    expect(again.body.id).toBe(answer.body.id);
    const other = await submitWith({ ...aws(), peering: { routeTableCidrBlock: "10.14.0.0/21" } }, headers);
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    expect(patchesTo(sim, aws().peerId)).toHaveLength(1);
  });

  it("forwards a whole body exactly as written, as before", async () => {
    // Another key order than the peer's, and no providerName: both kept as the caller wrote them.
    const { containerId, vpcId, awsAccountId, accepterRegionName } = awsPeering(sim, "10.15.0.0/21");
    const peering = {
      routeTableCidrBlock: "10.15.0.0/21",
      vpcId,
      containerId,
      awsAccountId,
      accepterRegionName,
    };
    const answer = await api().submit({ ...aws(), peering });
    expect([200, 202]).toContain(answer.status);
    expect(answer.body.change.desired).toEqual(peering);
    expect((await api().settled(answer.body.id)).state).toBe("SUCCEEDED");
    expect(patchesTo(sim, aws().peerId).at(-1)?.body).toBe(JSON.stringify(peering));
  });

  it("audits the refused partial requests like any refusal, and no answer carries a secret", async () => {
    const trail = await transcript.fetch(`${local.gatewayUrl}/v1/audit?groupId=${sim.demo.groupId}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(trail.status).toBe(200);
    const refused = trail.body.items.filter((r: { outcome: string }) => r.outcome === "refused");
    const reasons = refused.map((r: { reason: string }) => r.reason);
    expect(reasons).toEqual(expect.arrayContaining(["validation", "peer-not-found", "peer-unreadable"]));
    const notFound = refused.find((r: { reason: string }) => r.reason === "peer-not-found");
    expect(notFound).toMatchObject({ peerId: UNKNOWN_PEER, asked: { routeTableCidrBlock: "10.13.0.0/21" } });
    for (const text of transcript.texts) expect(text).not.toContain(TOKEN);
    for (const text of transcript.texts) expect(text).not.toContain(DEMO_PRIVATE_KEY);
  });
});

function submitWith(body: object, headers: Record<string, string>) {
  return transcript.fetch(`${local.gatewayUrl}/v1/peering-changes`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
