import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { banner } from "../../../local/banner.js";
import { LOCAL_SLACK_TEAM, type LocalStack, startLocalStack } from "../../../local/stack.js";
import { postSlack, slashCommand, Transcript, until } from "../support/gatewayE2e.js";

const SLACK_SECRET = "local-stack-slack-secret-0001";
const transcript = new Transcript();
let stack: LocalStack;

beforeAll(async () => {
  // As `npm start` runs it (embedded simulator, generated dev token), on ephemeral ports and fast.
  stack = await startLocalStack({
    simulatorStepMs: 50,
    cadence: { recheckDelayMs: 200, humanWaitMaxMs: 1_000 },
    sweepEveryMs: 500,
    logLevel: "SILENT",
    slackSigningSecret: SLACK_SECRET,
  });
});
afterAll(() => stack.close());

/** The banner's Try it command, as printed (from `curl` to its `-d '…'` line). */
function tryItCommand(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.startsWith("curl "));
  const end = lines.findIndex((line, i) => i > start && line.startsWith("  -d '"));
  return lines.slice(start, end + 1).join("\n");
}

describe("the banner's Try it, run as printed against the local stack", () => {
  it("shows the change id (x-change-request-id) and Location besides Atlas's body", async () => {
    const { stdout } = await promisify(execFile)("bash", ["-c", tryItCommand(banner(stack))]);
    const id = /^x-change-request-id: ([0-9a-f-]{36})\r?$/im.exec(stdout)?.[1];
    expect(id).toBeDefined();
    expect(stdout).toMatch(new RegExp(`^location: /v1/peering-changes/${id}\\r?$`, "im"));
    expect(stdout).toMatch(/^HTTP\/1\.1 200 /);
    expect(stdout).toContain('"routeTableCidrBlock":"10.9.0.0/21"');
    // Settled before the next test changes the same peer.
    const change = await until(
      async () =>
        (
          await transcript.fetch(`${stack.gatewayUrl}/v1/peering-changes/${id}`, {
            headers: { authorization: `Bearer ${stack.devToken}` },
          })
        ).body,
      (view: { state: string }) => view.state === "SUCCEEDED",
    );
    expect(change.state).toBe("SUCCEEDED");
  });
});

describe("Slack replies captured by the local stack (GET /__local/slack)", () => {
  it("records the later replies to a hooks.slack.com response_url instead of losing them", async () => {
    const { demo } = stack.simulator ?? { demo: undefined };
    const path = `/commands/${LOCAL_SLACK_TEAM}/4242/local-capture-hook`;
    const body = slashCommand({
      text: `update ${demo?.groupId} ${demo?.peers.aws.peerId} routeTableCidrBlock=10.21.0.0/21`,
      team_id: LOCAL_SLACK_TEAM,
      response_url: `https://hooks.slack.com${path}`,
    });
    const answer = await postSlack(stack.gatewayUrl, transcript, { secret: SLACK_SECRET, body });
    expect(answer.status).toBe(200);
    const changeId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(
      answer.body.text,
    )?.[0];
    const replies = await until(
      async () => (await transcript.fetch(`${stack.gatewayUrl}/__local/slack`)).body,
      (list: Array<{ path: string; body: { text?: string } }>) =>
        list.some((r) => r.path === path && r.body.text?.includes("SUCCEEDED")),
      15_000,
    );
    const mine = replies.filter((r: { path: string }) => r.path === path);
    expect(mine.length).toBeGreaterThan(0);
    for (const reply of mine) {
      expect(reply).toMatchObject({
        method: "POST",
        path,
        body: expect.any(Object),
        time: expect.any(String),
      });
      expect(JSON.stringify(reply.body)).toContain(changeId);
    }
    expect(mine.some((r: { body: { text?: string } }) => r.body.text?.includes("SUCCEEDED"))).toBe(true);
  }, 30_000);
});

describe("a refused event at POST /__local/events", () => {
  it("is answered with a 422 problem naming every bad field, not only the reason", async () => {
    const { demo } = stack.simulator ?? { demo: undefined };
    const answer = await transcript.fetch(`${stack.gatewayUrl}/__local/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        groupId: demo?.groupId,
        peerId: demo?.peers.aws.peerId,
        peering: { providerName: "AWS", vpcId: "vpc-123", colour: "blue" },
      }),
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(answer.body).toMatchObject({
      status: 422,
      title: "The event was rejected",
      detail: "the event is not a valid peering change request",
      kind: "rejected",
    });
    const paths = (answer.body.errors as Array<{ path: string; message: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["detail.peering.vpcId", "detail.peering.colour"]));
    for (const error of answer.body.errors) expect(error.message).toEqual(expect.any(String));
  });
});
