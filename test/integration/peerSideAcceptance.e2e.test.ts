import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkToAtlasSimulator } from "../../local/aws/ec2/atlasLink.js";
import { type PeerCloud, startPeerCloud } from "../../local/aws/ec2/server.js";
import { devRegistry } from "../../local/callersFile.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  stackOptions,
  startFastSimulator,
  Transcript,
  until,
} from "./support/gatewayE2e.js";

/**
 * Issue 14: the whole loop on the local stack, over real sockets. The Atlas simulator holds the AWS peer at
 * PENDING_ACCEPTANCE (autoAccept false); the peer's account is in the registry's `awsAccounts` with a role
 * the EC2/STS emulator knows, so the recheck function accepts the pcx there and adds the route; the
 * emulator's acceptance moves the simulated peer on (as Atlas notices an accepted request), and the change
 * settles SUCCEEDED with the steps in its history and a `peer-side` audit record.
 */

const TOKEN = "e2e-token-peer-side-acceptance";
const EXTERNAL_ID = "ext-e2e-peer-side-0001";
const transcript = new Transcript();
let sim: AtlasSimulator;
let peerCloud: PeerCloud;
let stack: LocalStack;

beforeAll(async () => {
  sim = await startFastSimulator({ autoAccept: false });
  peerCloud = await startPeerCloud();
  stack = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
  // Before the first re-check builds the recheck function: its peer side reaches STS and EC2 here.
  stack.cloud.env.AWS_ENDPOINT_URL_EC2 = peerCloud.url;
  stack.cloud.env.AWS_ENDPOINT_URL_STS = peerCloud.url;
});
afterAll(async () => {
  await stack?.close();
  await peerCloud?.close();
  await sim?.close();
});

describe("a change to an AWS peer in an account configured with a role", () => {
  it("is accepted and routed by the gateway, and followed to SUCCEEDED", { timeout: 30_000 }, async () => {
    const demo = sim.demo.peers.aws;
    const roleArn = `arn:aws:iam::${demo.awsAccountId}:role/atlas-peering-accepter`;
    peerCloud.addRole({ roleArn, externalId: EXTERNAL_ID });
    const vpc = peerCloud.addVpc({
      accountId: demo.awsAccountId,
      region: demo.accepterRegionName,
      cidr: "10.30.0.0/21",
      vpcId: demo.vpcId,
    });
    const registry = {
      ...devRegistry(TOKEN),
      awsAccounts: {
        [demo.awsAccountId]: { roleArn, externalId: EXTERNAL_ID, accept: true, routeTableIds: "all" },
      },
    };
    stack.cloud.secretsManager.put(stack.cloud.names.callersSecret, JSON.stringify(registry));
    // Atlas makes a new request (a new pcx) for the PATCH: the emulator gets it once the simulator shows it.
    let pending: string | undefined;
    const link = linkToAtlasSimulator(sim.url, (pcx) => (pcx === pending ? demo.peerId : undefined));
    peerCloud.onAccepted(link.hook);

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
    pending = pcx;
    peerCloud.addPendingPeering({
      pcxId: pcx,
      requester: {
        ownerId: "536727724300",
        vpcId: "vpc-0aa11bb22cc33dd44",
        region: "us-east-1",
        cidr: "192.168.248.0/21",
      },
      accepterVpcId: vpc.vpcId,
    });

    const settled = await until(
      () => api.get(id),
      (change) => change.state === "SUCCEEDED" || change.state === "FAILED",
      20_000,
    );
    expect(settled.state).toBe("SUCCEEDED");
    const notes = settled.history.flatMap((t) => (t.note ? [t.note] : []));
    expect(notes).toContain(`gateway accepted ${pcx} in ${demo.accepterRegionName}`);
    expect(notes.some((n) => n.startsWith("route ") && n.includes(vpc.mainRouteTableId))).toBe(true);
    expect(settled.history.map((t) => t.to)).toContain("WAITING_FOR_USER");
    expect((await link.settled()).map((r) => r.status)).toEqual([200]);
    expect(peerCloud.calls.filter((c) => c.action === "AcceptVpcPeeringConnection" && !c.error)).toHaveLength(
      1,
    );
    // The run's summary survives DynamoDB (it paces the next run); the ExternalId is not in the record.
    const record = await stack.deps.store.get(id);
    expect(record?.peerSide).toMatchObject({ pcxId: pcx, outcome: "done" });
    expect(JSON.stringify(record)).not.toContain(EXTERNAL_ID);
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
    expect(transcript.texts.some((text) => text.includes(EXTERNAL_ID))).toBe(false);
  });
});
