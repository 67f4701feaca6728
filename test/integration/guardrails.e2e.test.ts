import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { LOCAL_EVENT_SOURCE, LOCAL_SLACK_TEAM, type LocalStack, startLocalStack } from "../../local/stack.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  postSlack,
  slackText,
  slashCommand,
  stackOptions,
  startFastSimulator,
  Transcript,
  until,
} from "./support/gatewayE2e.js";

/**
 * The guardrails end to end, against the local stack and the Atlas simulator: the project policy refuses a
 * change before anything is sent (422 naming the rule), an overlapping CIDR is refused with Atlas's own codes
 * (409), the extra Atlas reads are made only when the CIDR changes, and a policy that cannot be loaded is the
 * gateway's 5xx.
 */

const TOKEN = "e2e-token-guardrails-7c2f9a";
const SLACK_SECRET = "e2e-slack-guardrails-5d1e";
const transcript = new Transcript();
const auth = { authorization: `Bearer ${TOKEN}` };

/** The GETs the overlap check makes: the project's AWS peer list and the container. */
function overlapReads(sim: AtlasSimulator): number {
  return sim.requests.filter(
    (r) =>
      r.method === "GET" &&
      r.authenticated &&
      (/\/peers$/.test(r.path)
        ? r.query.includes("providerName=AWS")
        : /\/containers\/[a-f0-9]{24}$/.test(r.path)),
  ).length;
}

describe("with a policy allowing only 10.0.0.0/8 and one AWS account", () => {
  let sim: AtlasSimulator;
  let local: LocalStack;
  let dir: string;

  beforeAll(async () => {
    sim = await startFastSimulator({ demoPeers: 1 });
    dir = await mkdtemp(join(tmpdir(), "guardrails-"));
    const policyFile = join(dir, "policy.json");
    const policy = {
      projects: { [sim.demo.groupId]: { aws: { accountIds: ["123456789012"], cidrs: ["10.0.0.0/8"] } } },
    };
    await writeFile(policyFile, JSON.stringify(policy));
    local = await startLocalStack(
      stackOptions(sim, { devToken: TOKEN, policyFile, slackSigningSecret: SLACK_SECRET }),
    );
  });
  afterAll(async () => {
    await local?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const api = () => changeApi(local.gatewayUrl, TOKEN, transcript);
  const target = () => ({ groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId });
  const rule = () => `policy projects.${sim.demo.groupId}.aws`;

  it("refuses a CIDR outside it or another account with 422 naming the rule, and nothing reaches Atlas", async () => {
    const cidr = await api().submit({ ...target(), peering: { routeTableCidrBlock: "192.168.10.0/24" } });
    expect(cidr.status).toBe(422);
    expect(cidr.headers.get("content-type")).toBe("application/problem+json");
    expect(cidr.body).toMatchObject({
      type: "https://atlas-peering-gateway.dev/problems/policy-refused",
      errors: [{ path: "peering.routeTableCidrBlock" }],
    });
    expect(cidr.body.detail).toContain(
      `peering.routeTableCidrBlock: 192.168.10.0/24 is outside the project's allowed CIDRs (${rule()}.cidrs: 10.0.0.0/8)`,
    );
    const account = await api().submit({
      ...target(),
      peering: { ...awsPeering(sim, "10.8.0.0/21"), awsAccountId: "210987654321" },
    });
    expect(account.status).toBe(422);
    expect(account.body.detail).toContain(
      `peering.awsAccountId: 210987654321 is not one of the project's allowed AWS accounts (${rule()}.accountIds: 123456789012)`,
    );
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(0);
  });

  it("refuses the drop-in PATCH the same way, Atlas-shaped", async () => {
    const { groupId, peerId } = target();
    const answer = await transcript.fetch(
      `${local.gatewayUrl}/api/atlas/v2/groups/${groupId}/peers/${peerId}`,
      {
        method: "PATCH",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ providerName: "AWS", ...awsPeering(sim, "192.168.10.0/24") }),
      },
    );
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: 422, errorCode: "GATEWAY_POLICY_REFUSED" });
    expect(patchesTo(sim, peerId)).toHaveLength(0);
  });

  it("shows the verdict in a dry run", async () => {
    const refused = await api().submit({
      ...target(),
      peering: { routeTableCidrBlock: "192.168.10.0/24" },
      dryRun: true,
    });
    expect(refused.status).toBe(200);
    expect(refused.body.verdict).toMatchObject({
      allowed: false,
      policy: "refused",
      refusal: { status: 422, type: "policy-refused" },
    });
    const allowed = await api().submit({
      ...target(),
      peering: { routeTableCidrBlock: "10.13.0.0/21" },
      dryRun: true,
    });
    expect(allowed.body.verdict).toEqual({ allowed: true, policy: "allowed", overlap: "clear" });
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(0);
  });

  it("shows the verdict in Slack's plan, refuses Slack's update and a requested event, and sends nothing", async () => {
    const slack = (text: string) =>
      postSlack(local.gatewayUrl, transcript, {
        secret: SLACK_SECRET,
        body: slashCommand({
          text,
          team_id: LOCAL_SLACK_TEAM,
          response_url: "https://hooks.slack.com/commands/T/1",
        }),
      });
    const where = `${sim.demo.groupId} ${sim.demo.peers.aws.peerId}`;
    const plan = await slack(`plan ${where} routeTableCidrBlock=192.168.10.0/24`);
    expect(plan.status).toBe(200);
    expect(slackText(plan.body)).toContain("Would be refused");
    expect(slackText(plan.body)).toContain(`${rule()}.cidrs: 10.0.0.0/8`);
    const update = await slack(`update ${where} routeTableCidrBlock=192.168.10.0/24`);
    expect(slackText(update.body)).toContain("The project policy does not allow this change");
    const event = {
      version: "0",
      id: "guardrails-event-1",
      "detail-type": "Peering Change Requested",
      source: LOCAL_EVENT_SOURCE,
      account: "000000000000",
      time: new Date().toISOString(),
      region: "eu-west-1",
      resources: [],
      detail: { ...target(), peering: awsPeering(sim, "192.168.10.0/24") },
    };
    const put = await transcript.fetch(`${local.gatewayUrl}/__local/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(put.body).toMatchObject({ kind: "rejected" });
    expect(put.body.reason).toContain(`${rule()}.cidrs`);
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(0);
  });

  it("refuses a CIDR overlapping another demo peer's with 409 OVERLAPPING_CIDR_BLOCK, after two reads", async () => {
    const other = sim.demo.awsPeers?.[0];
    const before = overlapReads(sim);
    const answer = await api().submit({ ...target(), peering: { routeTableCidrBlock: "10.64.0.0/16" } });
    expect(answer.status).toBe(409);
    expect(answer.body.type).toBe("https://atlas-peering-gateway.dev/problems/overlapping-cidr-block");
    expect(answer.body.detail).toContain(`overlaps peer ${other?.peerId}'s ${other?.routeTableCidrBlock}`);
    expect(overlapReads(sim) - before).toBe(2);
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(0);
  });

  it("sends a CIDR inside the policy that overlaps nothing; a no-op costs no extra read", async () => {
    const before = overlapReads(sim);
    const sent = await api().submit({ ...target(), peering: { routeTableCidrBlock: "10.13.0.0/21" } });
    expect([200, 202]).toContain(sent.status);
    expect(overlapReads(sim) - before).toBe(2);
    expect((await api().settled(sent.body.id)).state).toBe("SUCCEEDED");
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
    const again = overlapReads(sim);
    const noop = await api().submit({ ...target(), peering: { routeTableCidrBlock: "10.13.0.0/21" } });
    expect(noop.body.state).toBe("SUCCEEDED");
    expect(overlapReads(sim)).toBe(again);
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
  });
});

describe("without a policy file: the overlap check, allowOverlap, and a policy that cannot be read", () => {
  let sim: AtlasSimulator;
  let local: LocalStack;

  beforeAll(async () => {
    sim = await startFastSimulator({ demoPeers: 1 });
    local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
  });
  afterAll(async () => {
    await local?.close();
    await sim?.close();
  });

  const api = () => changeApi(local.gatewayUrl, TOKEN, transcript);
  const target = () => ({ groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId });

  it("answers 5xx, not 4xx, when the policy secret cannot be read, and sends nothing", async () => {
    local.cloud.secretsManager.failWith(local.cloud.names.policySecret, "AccessDeniedException");
    try {
      const answer = await api().submit({ ...target(), peering: { routeTableCidrBlock: "10.13.0.0/21" } });
      expect(answer.status).toBe(500);
      expect(answer.body.type).toBe("https://atlas-peering-gateway.dev/problems/policy-unavailable");
      expect(answer.text).not.toContain(local.cloud.names.policySecret);
    } finally {
      local.cloud.secretsManager.failWith(local.cloud.names.policySecret, undefined);
    }
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(0);
  });

  it("refuses a CIDR overlapping the Atlas container's with 409 OVERLAPPING_ATLAS_CIDR_BLOCK", async () => {
    const answer = await api().submit({ ...target(), peering: { routeTableCidrBlock: "192.168.248.0/24" } });
    expect(answer.status).toBe(409);
    expect(answer.body.type).toBe("https://atlas-peering-gateway.dev/problems/overlapping-atlas-cidr-block");
    expect(answer.body.detail).toContain("overlaps the Atlas CIDR 192.168.248.0/21");
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(0);
  });

  it("lets an overlap through once the policy sets allowOverlap", async () => {
    local.cloud.secretsManager.put(
      local.cloud.names.policySecret,
      JSON.stringify({ projects: { "*": { allowOverlap: true } } }),
    );
    const other = sim.demo.awsPeers?.[0]?.routeTableCidrBlock ?? "";
    // The stack remembers "no policy" for CALLERS_MAX_AGE_SECONDS (5 s locally).
    const dry = await until(
      () => api().submit({ ...target(), peering: { routeTableCidrBlock: other }, dryRun: true }),
      (answer) => answer.body?.verdict?.overlap === "allowed by policy",
      9_000,
    );
    expect(dry.body.verdict).toEqual({ allowed: true, policy: "allowed", overlap: "allowed by policy" });
    const sent = await api().submit({ ...target(), peering: { routeTableCidrBlock: other } });
    expect([200, 202]).toContain(sent.status);
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(1);
  }, 15_000);
});
