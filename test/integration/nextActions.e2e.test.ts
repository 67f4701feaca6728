import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import type { PublishedChangeEvent } from "../../local/publishedEvents.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import { CHANGE_EVENT_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
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
 * Next actions and remediations end to end: the local stack (dynalite, Scheduler, the bus) in front of the
 * simulator over real sockets, its peers waiting for acceptance until the test accepts or fails them. The
 * simulator's containers (`GET …/containers/{id}`) are Atlas's side: AWS 192.168.248.0/21 in US_EAST_1.
 */
const TOKEN = "e2e-token-next-actions-01";
const ATLAS_CIDR = "192.168.248.0/21";
let sim: AtlasSimulator;
const stacks: LocalStack[] = [];

beforeAll(async () => {
  sim = await startFastSimulator({ autoAccept: false });
});
afterAll(() => sim.close());
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  sim.reset();
});

async function stack() {
  const seen: PublishedChangeEvent[] = [];
  const local = await startLocalStack(
    stackOptions(sim, { devToken: TOKEN, onEvent: (event) => seen.push(event) }),
  );
  stacks.push(local);
  const api = changeApi(local.gatewayUrl, TOKEN, new Transcript());
  const announced = () =>
    seen.flatMap((e) => (e.detailType === CHANGE_EVENT_DETAIL_TYPE ? [e.detail as ChangeView] : []));
  return { local, api, announced };
}

const containerReads = () =>
  sim.requests.filter((r) => r.method === "GET" && r.authenticated && r.path.includes("/containers/"));

/** A v1.0 PATCH with one field through the drop-in route, as a script written from Atlas's docs sends it. */
async function patchV1(gatewayUrl: string, body: object): Promise<string> {
  const { groupId, peers } = sim.demo;
  const response = await fetch(`${gatewayUrl}/api/atlas/v1.0/groups/${groupId}/peers/${peers.aws.peerId}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.headers.get("x-change-request-id") ?? "";
}

async function cliStatus(gatewayUrl: string, id: string): Promise<string> {
  let stdout = "";
  const io = { stdout: (s: string) => (stdout += s), stderr: () => {}, isTTY: false };
  const env = { GATEWAY_URL: gatewayUrl, GATEWAY_TOKEN: TOKEN };
  await main(["status", id], { ...io, env, now: Date.now, sleep: async () => {} });
  return stdout;
}

describe("next actions from what Atlas said (local stack, dynalite, simulator)", () => {
  it("names Atlas's account, region, CIDR and VPC for a one-field v1.0 change, reading the container once", async () => {
    const { local, api, announced } = await stack();
    const id = await patchV1(local.gatewayUrl, { routeTableCidrBlock: "10.9.0.0/21" });
    const waiting = await until(
      () => api.get(id),
      (c) => c.state === "WAITING_FOR_USER",
    );
    const pcx = waiting.atlas.connectionId ?? "";
    expect(pcx).toMatch(/^pcx-[0-9a-f]{17}$/);
    expect(waiting.nextAction).toBe(
      `Accept VPC peering connection ${pcx} in AWS account 123456789012, region us-east-1, then add a route ` +
        `to the Atlas CIDR ${ATLAS_CIDR} through it in the route tables of VPC vpc-0123456789abcdef0.`,
    );
    const commands = [
      `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${pcx} --region us-east-1`,
      `aws ec2 create-route --route-table-id <your route table> --destination-cidr-block ${ATLAS_CIDR} ` +
        `--vpc-peering-connection-id ${pcx} --region us-east-1`,
    ];
    expect(waiting.nextActionCommands).toEqual(commands);
    // The bus was told the same, and the CLI prints it.
    await vi.waitFor(() => expect(announced()[0]?.nextActionCommands).toEqual(commands));
    expect(await cliStatus(local.gatewayUrl, id)).toContain(
      `  run      ${commands[0]}\n           ${commands[1]}\n`,
    );
    // The container was read when the change started waiting (twice at most: a schedule and the sweeper may
    // run the same check, and only one of them is recorded); the checks after that do not read it again.
    const read = containerReads().length;
    expect(read).toBeGreaterThanOrEqual(1);
    expect(read).toBeLessThanOrEqual(2);
    const checked = waiting.attempt;
    await until(
      () => api.get(id),
      (c) => c.attempt >= checked + 3,
    );
    expect(containerReads()).toHaveLength(read);
    expect(new Set(containerReads().map((r) => r.path))).toEqual(
      new Set([`/api/atlas/v2/groups/${sim.demo.groupId}/containers/${sim.demo.peers.aws.containerId}`]),
    );
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
  });

  it("ends a rejected peering with a remediation, in the view, the event and the CLI", async () => {
    const { local, api, announced } = await stack();
    const id = await patchV1(local.gatewayUrl, { routeTableCidrBlock: "10.9.0.0/21" });
    await until(
      () => api.get(id),
      (c) => c.state === "WAITING_FOR_USER",
    );
    sim.faults.failPeer(sim.demo.peers.aws.peerId, "REJECTED");
    const failed = await api.settled(id);
    expect(failed).toMatchObject({ state: "FAILED", atlas: { status: "FAILED", error: "REJECTED" } });
    expect(failed.remediation).toBe(
      "The VPC peering request was rejected on the AWS side (VPC vpc-0123456789abcdef0 in AWS account " +
        "123456789012, region us-east-1); a rejected request cannot be accepted later, so send the change " +
        "again with both awsAccountId and vpcId (Atlas then makes a new request) and accept that one.",
    );
    expect(failed.nextAction).toBeUndefined();
    await vi.waitFor(() => expect(announced().at(-1)?.remediation).toBe(failed.remediation));
    expect(await cliStatus(local.gatewayUrl, id)).toContain(`  fix      ${failed.remediation}\n`);
  });

  it("falls back to what is known while the container cannot be read, and names the CIDR once it can", async () => {
    const { api } = await stack();
    sim.faults.inject({ status: 503, count: 1_000, match: { path: "/api/atlas/v2/groups/*/containers/*" } });
    const submitted = await api.submit({
      groupId: sim.demo.groupId,
      peerId: sim.demo.peers.aws.peerId,
      peering: awsPeering(sim, "10.9.0.0/21"),
    });
    const id = submitted.body.id as string;
    const waiting = await until(
      () => api.get(id),
      (c) => c.state === "WAITING_FOR_USER",
    );
    expect(waiting.nextAction).toContain("region us-east-1, then add a route to the Atlas CIDR (the Atlas");
    expect(waiting.nextActionCommands?.[1]).toContain("--destination-cidr-block <Atlas CIDR>");
    sim.faults.clear();
    const named = await until(
      () => api.get(id),
      (c) => c.nextAction?.includes(ATLAS_CIDR) === true,
    );
    expect(named.state).toBe("WAITING_FOR_USER");
    sim.faults.acceptPeer(sim.demo.peers.aws.peerId);
    expect((await api.settled(id)).state).toBe("SUCCEEDED");
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
  });
});
