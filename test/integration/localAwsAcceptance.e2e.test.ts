import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AcceptVpcPeeringConnectionCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { banner } from "../../local/banner.js";
import type { LocalPeerAccounts } from "../../local/peerAccounts.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import { changeApi, FAST_CADENCE, patchesTo, Transcript, until } from "./support/gatewayE2e.js";

/**
 * Issue 14, locally with zero manual steps, over real sockets and the real SDK clients: the local stack's
 * EC2/STS emulator plays the peers' AWS accounts, linked both ways to the embedded Atlas simulator, which
 * holds AWS peers at PENDING_ACCEPTANCE (ATLAS_SIM_AUTO_ACCEPT=false). The banner's quickstart curl, run as
 * printed, ends SUCCEEDED with nobody accepting anything: the gateway accepts in the demo AWS peer's account
 * (a role in the dev registry) and routes Atlas's CIDR. The peer in the account without a role waits for a
 * person; their accept through the emulator reaches the gateway as CloudTrail's event, and the change settles
 * within seconds while its next scheduled check is minutes away.
 */

const run = promisify(execFile);
const TOKEN = "e2e-token-local-aws-accept-01";
const TERMINAL = ["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"];
const transcript = new Transcript();

/** `npm start` without auto-acceptance, with a supplied token (the banner names it by variable). */
async function start(extra: LocalStackOptions): Promise<LocalStack> {
  return startLocalStack({
    devToken: TOKEN,
    simulatorAutoAccept: false,
    sweepEveryMs: 500,
    logLevel: "SILENT",
    ...extra,
  });
}

function parts(stack: LocalStack): { sim: AtlasSimulator; accounts: LocalPeerAccounts } {
  if (!stack.simulator || !stack.peerAccounts)
    throw new Error("expected the embedded simulator and emulator");
  return { sim: stack.simulator, accounts: stack.peerAccounts };
}

const notesOf = (change: ChangeView) => change.history.flatMap((t) => (t.note ? [t.note] : []));

describe("the banner's quickstart curl, with ATLAS_SIM_AUTO_ACCEPT=false", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await start({ simulatorStepMs: 200, cadence: FAST_CADENCE });
  });
  afterAll(() => stack?.close());

  it("ends SUCCEEDED, Atlas AVAILABLE, with the gateway's accept and routes", {
    timeout: 30_000,
  }, async () => {
    const { sim, accounts } = parts(stack);
    const text = banner(stack);
    const demo = sim.demo.peers.aws;
    expect(text).toContain(`account ${demo.awsAccountId}: the gateway accepts Atlas's requests`);
    expect(text).not.toContain(accounts.registrySection[demo.awsAccountId]?.externalId ?? "?");
    const curl = text.split("Try it:")[1]?.trim() ?? "";
    const { stdout } = await run("bash", ["-c", curl], { env: { ...process.env, GATEWAY_DEV_TOKEN: TOKEN } });
    const id = /^x-change-request-id: (\S+)/im.exec(stdout)?.[1] ?? "";
    expect(id).not.toBe("");

    const api = changeApi(stack.gatewayUrl, TOKEN, transcript);
    const settled = await until(
      () => api.get(id),
      (change) => TERMINAL.includes(change.state),
      20_000,
    );
    expect(settled).toMatchObject({ state: "SUCCEEDED", atlas: { status: "AVAILABLE" } });
    const pcx = settled.atlas.connectionId ?? "";
    expect(pcx).toMatch(/^pcx-/);
    expect(pcx).not.toBe(demo.connectionId);
    expect(settled.history.map((t) => t.to)).toContain("WAITING_FOR_USER");

    // Both route tables of the demo VPC: the main one got the route, the stale one (to Atlas's earlier
    // connection, deleted when Atlas made the new request: a blackhole) had it replaced.
    const { cloud } = accounts.emulator;
    const tables = [...cloud.routeTables.values()].filter((t) => t.vpcId === demo.vpcId);
    expect(tables).toHaveLength(2);
    const atlasCidr = "192.168.248.0/21";
    for (const table of tables) {
      expect(table.routes).toContainEqual({ destinationCidrBlock: atlasCidr, vpcPeeringConnectionId: pcx });
    }
    const notes = notesOf(settled);
    expect(notes).toContain(`gateway accepted ${pcx} in ${demo.accepterRegionName}`);
    const main = tables.find((t) => t.main)?.id ?? "";
    const stale = tables.find((t) => !t.main)?.id ?? "";
    expect(notes).toContain(`route ${atlasCidr} → ${pcx} added to ${main}`);
    expect(notes).toContain(`route ${atlasCidr} → ${pcx} replaced the old route in ${stale}`);
    expect(cloud.peerings.get(demo.connectionId)?.status).toBe("deleted");
    expect(cloud.statusOf(cloud.peerings.get(pcx) ?? ({} as never))).toBe("active");

    // Nobody accepted by hand: the emulator's accept (the gateway's) moved the Atlas peer on, once.
    expect((await accounts.simulatorAccepts()).map((r) => [r.pcxId, r.status])).toEqual([[pcx, 200]]);
    const accepts = accounts.emulator.calls.filter((c) => c.action === "AcceptVpcPeeringConnection");
    expect(accepts).toEqual([expect.objectContaining({ roleArn: accounts.accepting.roleArn })]);
    expect(patchesTo(sim, demo.peerId)).toHaveLength(1);
  });
});

describe("a peer in an account without a role", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    // No steps: the PATCH is answered PENDING_ACCEPTANCE at once. A waiting change's next check is minutes
    // away, and the sweeper finds nothing overdue meanwhile.
    stack = await start({
      simulatorStepMs: 0,
      cadence: { recheckDelayMs: 120_000, humanWaitMaxMs: 600_000 },
      sweepEveryMs: 60_000,
    });
  });
  afterAll(() => stack?.close());

  it("waits for a person, whose accept is noticed within seconds through CloudTrail's event", {
    timeout: 30_000,
  }, async () => {
    const { sim, accounts } = parts(stack);
    const other = sim.demo.awsOtherAccount;
    if (!other) throw new Error("expected the AWS peer in another account");
    const { person } = accounts;
    expect(person).toMatchObject({ accountId: other.awsAccountId, peerId: other.peerId });
    const command = `aws ec2 accept-vpc-peering-connection --region ${person.region} --endpoint-url ${accounts.url} --vpc-peering-connection-id <pcx>`;
    expect(banner(stack)).toContain(
      `AWS_ACCESS_KEY_ID=${person.accessKeyId} AWS_SECRET_ACCESS_KEY=local ${command}`,
    );

    const api = changeApi(stack.gatewayUrl, TOKEN, transcript);
    const { accepterRegionName, awsAccountId, containerId, vpcId } = other;
    const submitted = await api.submit({
      groupId: sim.demo.groupId,
      peerId: other.peerId,
      peering: { accepterRegionName, awsAccountId, containerId, vpcId, routeTableCidrBlock: "10.13.0.0/21" },
    });
    expect(submitted.status).toBe(202);
    const changeId = (submitted.body as { id: string }).id;
    const waiting = await until(
      () => api.get(changeId),
      (change) => change.state === "WAITING_FOR_USER",
    );
    expect(waiting.state).toBe("WAITING_FOR_USER");
    const pcx = waiting.atlas.connectionId ?? "";
    expect(Date.parse(waiting.nextCheckAt ?? "") - Date.now()).toBeGreaterThan(60_000);
    // Atlas's request is in the person's account, pending; the gateway assumed no role for it.
    const { cloud } = accounts.emulator;
    expect(cloud.peerings.get(pcx)).toMatchObject({
      status: "pending-acceptance",
      accepter: { ownerId: other.awsAccountId, vpcId },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api.get(changeId)).state).toBe("WAITING_FOR_USER");
    expect(accounts.emulator.calls.filter((c) => c.service === "sts")).toEqual([]);

    // The person accepts with the AWS SDK (as the CLI would), signed with their own key and any secret.
    const ec2 = new EC2Client({
      endpoint: accounts.url,
      region: person.region,
      credentials: { accessKeyId: person.accessKeyId, secretAccessKey: "any-secret" },
    });
    const started = Date.now();
    try {
      const answer = await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      expect(answer.VpcPeeringConnection?.Status?.Code).toBe("provisioning");
    } finally {
      ec2.destroy();
    }
    const settled = await until(
      () => api.get(changeId),
      (change) => TERMINAL.includes(change.state),
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(settled).toMatchObject({ state: "SUCCEEDED", atlas: { status: "AVAILABLE" } });
    expect(notesOf(settled).some((note) => note.startsWith("gateway accepted"))).toBe(false);

    // CloudTrail's record of the person's call, forwarded from their account to the gateway's bus.
    const trail = stack.cloud.eventBridge.published.filter((e) => e.source === "aws.ec2");
    expect(trail).toEqual([
      expect.objectContaining({
        "detail-type": "AWS API Call via CloudTrail",
        account: other.awsAccountId,
        region: person.region,
        eventBusName: stack.cloud.names.eventBus,
        detail: expect.objectContaining({
          eventName: "AcceptVpcPeeringConnection",
          userIdentity: expect.objectContaining({ type: "IAMUser", accessKeyId: person.accessKeyId }),
          requestParameters: { vpcPeeringConnectionId: pcx },
        }),
      }),
    ]);
    expect(JSON.stringify(trail)).not.toContain("any-secret");
  });
});
