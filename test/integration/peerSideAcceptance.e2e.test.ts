import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalPeerAccounts } from "../../local/peerAccounts.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { awsPeering, changeApi, FAST_CADENCE, patchesTo, Transcript, until } from "./support/gatewayE2e.js";

/**
 * Issue 14: the whole loop on the local stack, over real sockets, with the stack's own wiring. The Atlas
 * simulator holds the AWS peer at PENDING_ACCEPTANCE (autoAccept false); the peer's account is in the dev
 * registry's `awsAccounts` with a role the EC2/STS emulator knows, so the recheck function accepts the pcx
 * there and adds the route; the emulator's acceptance moves the simulated peer on (as Atlas notices an
 * accepted request), and the change settles SUCCEEDED with the steps in its history and a `peer-side` audit
 * record.
 */

const TOKEN = "e2e-token-peer-side-acceptance";
const transcript = new Transcript();
let sim: AtlasSimulator;
let peerCloud: LocalPeerAccounts;
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    devToken: TOKEN,
    simulatorStepMs: 200,
    simulatorAutoAccept: false,
    cadence: FAST_CADENCE,
    sweepEveryMs: 500,
    logLevel: "SILENT",
  });
  if (!stack.simulator || !stack.peerAccounts)
    throw new Error("expected the embedded simulator and emulator");
  sim = stack.simulator;
  peerCloud = stack.peerAccounts;
});
afterAll(() => stack?.close());

describe("a change to an AWS peer in an account configured with a role", () => {
  it("is accepted and routed by the gateway, and followed to SUCCEEDED", { timeout: 30_000 }, async () => {
    const demo = sim.demo.peers.aws;
    const externalId = peerCloud.registrySection[demo.awsAccountId]?.externalId ?? "";
    expect(externalId).not.toBe("");
    const mainRouteTableId =
      [...peerCloud.emulator.cloud.routeTables.values()].find((t) => t.vpcId === demo.vpcId && t.main)?.id ??
      "";

    const api = changeApi(stack.gatewayUrl, TOKEN, transcript);
    const submitted = await api.submit({
      groupId: sim.demo.groupId,
      peerId: demo.peerId,
      peering: awsPeering(sim, "10.30.0.0/21"),
    });
    expect(submitted.status).toBe(202);
    const id = (submitted.body as { id: string }).id;
    const waiting = await until(
      () => api.get(id),
      (change) => change.atlas.connectionId !== undefined && change.atlas.connectionId !== demo.connectionId,
    );
    const pcx = waiting.atlas.connectionId ?? "";
    expect(pcx).toMatch(/^pcx-/);

    const settled = await until(
      () => api.get(id),
      (change) => change.state === "SUCCEEDED" || change.state === "FAILED",
      20_000,
    );
    expect(settled.state).toBe("SUCCEEDED");
    const notes = settled.history.flatMap((t) => (t.note ? [t.note] : []));
    expect(notes).toContain(`gateway accepted ${pcx} in ${demo.accepterRegionName}`);
    expect(notes.some((n) => n.startsWith("route ") && n.includes(mainRouteTableId))).toBe(true);
    expect(settled.history.map((t) => t.to)).toContain("WAITING_FOR_USER");
    expect((await peerCloud.simulatorAccepts()).map((r) => r.status)).toEqual([200]);
    expect(
      peerCloud.emulator.calls.filter((c) => c.action === "AcceptVpcPeeringConnection" && !c.error),
    ).toHaveLength(1);
    // The run's summary survives DynamoDB (it paces the next run); the ExternalId is not in the record.
    const record = await stack.deps.store.get(id);
    expect(record?.peerSide).toMatchObject({ pcxId: pcx, outcome: "done" });
    expect(JSON.stringify(record)).not.toContain(externalId);
    // Only the one PATCH the change asked for: the peer side never writes to Atlas.
    expect(patchesTo(sim, demo.peerId)).toHaveLength(1);

    const auditPage = await transcript.fetch(`${stack.gatewayUrl}/v1/audit?groupId=${sim.demo.groupId}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(auditPage.status).toBe(200);
    const records = (auditPage.body.items as Array<Record<string, unknown>>).filter(
      (r) => r.outcome === "peer-side" && r.changeId === id,
    );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ reason: "done" });
    expect(records[0]?.steps).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: "accept", target: pcx, ok: true })]),
    );
    // The ExternalId went to STS only: not to any answer the gateway gave.
    expect(transcript.texts.some((text) => text.includes(externalId))).toBe(false);
  });
});
