import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AtlasSimulator, DEMO_PRIVATE_KEY } from "../../local/simulator/index.js";
import { LOCAL_SLACK_TEAM, type LocalStack, startLocalStack } from "../../local/stack.js";
import { USAGE_TEXT } from "../../src/channels/slack/command.js";
import {
  changeApi,
  patchesTo,
  postSlack,
  slackText,
  slashCommand,
  stackOptions,
  startFastSimulator,
  startSlackReceiver,
  Transcript,
  until,
} from "./support/gatewayE2e.js";

const SLACK_SECRET = "e2e-slack-signing-secret-0001";
const TOKEN = "e2e-token-slack-0001";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let sim: AtlasSimulator;
let local: LocalStack;
let receiver: Awaited<ReturnType<typeof startSlackReceiver>>;
const transcript = new Transcript();

beforeAll(async () => {
  // Peers wait for acceptance, so the test sees WAITING_FOR_USER for sure and then lets the change finish.
  sim = await startFastSimulator({ autoAccept: false });
  receiver = await startSlackReceiver();
  local = await startLocalStack(stackOptions(sim, { slackSigningSecret: SLACK_SECRET, devToken: TOKEN }));
});
afterAll(async () => {
  await local.close();
  await receiver.close();
  await sim.close();
});

/** A slash command from the local workspace (or `team_id`), signed with the stack's Slack secret. */
function slack(text: string, options: { team?: string; secret?: string; timestamp?: string } = {}) {
  const body = slashCommand({
    text,
    team_id: options.team ?? LOCAL_SLACK_TEAM,
    response_url: `${receiver.url}/commands/${options.team ?? LOCAL_SLACK_TEAM}/hook-0001`,
  });
  return postSlack(local.gatewayUrl, transcript, {
    secret: options.secret ?? SLACK_SECRET,
    body,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
}

function target(): string {
  return `${sim.demo.groupId} ${sim.demo.peers.aws.peerId}`;
}

/** The messages posted to the response_url that mention this change id. */
function postsAbout(changeId: string) {
  return receiver.posts.filter((p) => slackText(p.message).includes(changeId));
}

describe("the Slack slash command over real sockets", () => {
  it("applies an update within Slack's 3 s: one full PATCH, then WAITING_FOR_USER and SUCCEEDED messages", async () => {
    const peerId = sim.demo.peers.aws.peerId;
    const answer = await slack(`update ${target()} routeTableCidrBlock=10.20.0.0/21`);
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(2_000);
    const changeId = UUID.exec(answer.body.text)?.[0] ?? "";
    expect(answer.body.text).toMatch(new RegExp(`^Change ${changeId} accepted`));
    const patches = patchesTo(sim, peerId);
    expect(patches).toHaveLength(1);
    const { providerName, accepterRegionName, awsAccountId, containerId, vpcId } = sim.demo.peers.aws;
    expect(JSON.parse(patches[0]?.body ?? "")).toEqual({
      ...{ providerName, accepterRegionName, awsAccountId, containerId, vpcId },
      routeTableCidrBlock: "10.20.0.0/21",
    });
    const reads = sim.requests.filter(
      (r) => r.method === "GET" && r.authenticated && r.path.endsWith(peerId),
    );
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]?.at).toBeLessThanOrEqual(patches[0]?.at ?? 0);

    const waiting = await until(
      () => postsAbout(changeId),
      (p) => p.length >= 1,
    );
    expect(waiting[0]?.path).toBe(`/commands/${LOCAL_SLACK_TEAM}/hook-0001`);
    expect(waiting[0]?.message.text).toMatch(/waiting for someone to act.*WAITING_FOR_USER/);
    expect(slackText(waiting[0]?.message)).toMatch(/Next step:\* Accept VPC peering connection pcx-/);
    sim.faults.acceptPeer(peerId);
    const posts = await until(
      () => postsAbout(changeId),
      (p) => p.length >= 2,
    );
    expect(posts.map((p) => p.message.text)).toEqual([
      expect.stringContaining("is WAITING_FOR_USER"),
      expect.stringMatching(/^The peering change is done: change .* is SUCCEEDED \(Atlas: AVAILABLE\)$/),
    ]);
    expect(slackText(posts[1]?.message)).toContain("Requested by local-dev via slack");
    const change = await changeApi(local.gatewayUrl, TOKEN, transcript).get(changeId);
    expect(change).toMatchObject({ state: "SUCCEEDED", channel: "slack", callerId: "local-dev" });
  });

  it("shows a plan with the field's current and desired value, and sends no PATCH", async () => {
    const before = patchesTo(sim, sim.demo.peers.aws.peerId).length;
    const answer = await slack(`plan ${target()} routeTableCidrBlock=10.21.0.0/21`);
    expect(answer.status).toBe(200);
    expect(answer.body.text).toMatch(/1 field\(s\) would change$/);
    expect(slackText(answer.body)).toMatch(/\*routeTableCidrBlock\*: 10\.\d+\.0\.0\/21 → 10\.21\.0\.0\/21/);
    expect(slackText(answer.body)).toContain("Nothing was sent to Atlas");
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(before);
  });

  it.each([
    ["help", undefined],
    ["", undefined],
    ["updte 5f1e2d3c4b5a69788796a5b4", 'unknown command "updte"; try help'],
    ["update 5f1e2d3c4b5a69788796a5b4 x routeTableCidr=10.1.0.0/21", 'unknown field "routeTableCidr"'],
  ])("answers %j with the usage text, not an error", async (text, problem) => {
    const answer = await slack(text);
    expect(answer.status).toBe(200);
    expect(answer.body.response_type).toBe("ephemeral");
    expect(slackText(answer.body)).toContain(JSON.stringify(USAGE_TEXT).slice(1, -1));
    if (problem) expect(answer.body.text).toContain(problem);
    else expect(answer.body.text).toBe("Usage: /atlas-peering help");
  });

  it("refuses a request signed with another secret with 401", async () => {
    const requestsBefore = sim.requests.length;
    const answer = await slack(`update ${target()} routeTableCidrBlock=10.23.0.0/21`, {
      secret: "not-the-slack-signing-secret",
    });
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toBe("The Slack signature is not valid (bad signature).");
    expect(sim.requests).toHaveLength(requestsBefore);
  });

  it("refuses a correctly signed request whose timestamp is 10 minutes old with 401", async () => {
    const requestsBefore = sim.requests.length;
    const tenMinutesAgo = String(Math.floor(Date.now() / 1000) - 600);
    const answer = await slack(`update ${target()} routeTableCidrBlock=10.23.0.0/21`, {
      timestamp: tenMinutesAgo,
    });
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toBe("The Slack signature is not valid (stale timestamp).");
    expect(sim.requests).toHaveLength(requestsBefore);
  });

  it("politely refuses a workspace no caller maps, without calling Atlas", async () => {
    const requestsBefore = sim.requests.length;
    const answer = await slack(`update ${target()} routeTableCidrBlock=10.23.0.0/21`, { team: "T0NOBODY0" });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toMatch(/^Sorry, your Slack account is not set up to change Atlas peerings/);
    expect(sim.requests).toHaveLength(requestsBefore);
  });
});

describe("a Slack user whose caller is limited to another project", () => {
  const OTHER_SECRET = "e2e-slack-signing-secret-0002";
  let dir: string;
  let limited: LocalStack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gw-slack-callers-"));
    const callersFile = join(dir, "callers.json");
    const caller = {
      id: "other-team",
      tokenSha256: [],
      slack: [{ teamId: "T0OTHER00" }],
      projects: [{ groupId: "0123456789abcdef01234567" }],
    };
    await writeFile(callersFile, JSON.stringify({ callers: [caller] }));
    limited = await startLocalStack(stackOptions(sim, { callersFile, slackSigningSecret: OTHER_SECRET }));
  });
  afterAll(async () => {
    await limited.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gets a polite refusal naming the peer and project, nothing secret, and Atlas is not called", async () => {
    const requestsBefore = sim.requests.length;
    const body = slashCommand({
      text: `update ${target()} routeTableCidrBlock=10.24.0.0/21`,
      team_id: "T0OTHER00",
      response_url: `${receiver.url}/commands/T0OTHER00/hook-0002`,
    });
    const answer = await postSlack(limited.gatewayUrl, transcript, { secret: OTHER_SECRET, body });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toBe(
      `Sorry, you may not change peer ${sim.demo.peers.aws.peerId} in project ${sim.demo.groupId}.`,
    );
    expect(sim.requests).toHaveLength(requestsBefore);
    for (const secret of [OTHER_SECRET, answer.signature, DEMO_PRIVATE_KEY, "hook-0002"]) {
      expect(answer.text).not.toContain(secret);
    }
  });
});
