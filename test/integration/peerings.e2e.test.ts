import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken } from "../../src/access/signature.js";
import { documentValidator, openApi, responseSchemaPointer } from "../helpers/openapi.js";
import {
  awsPeering,
  changeApi,
  postSlack,
  slackText,
  slashCommand,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";

/**
 * The inventory over real sockets: the local stack (production wiring, DynamoDB on dynalite) in front of the
 * Atlas simulator, whose demo project holds one peering per provider. `GET /v1/peerings`, Slack's `peers`
 * and the CLI's `peers list` all answer from it.
 */
const TOKENS = { ops: "e2e-inventory-ops-1a2b3c4d", stranger: "e2e-inventory-stranger-5e6f7a" };
const SLACK_SECRET = "e2e-inventory-slack-secret-9f8e7d";
const TEAM = "T0INVENTORY";
const OTHER_GROUP = "0123456789abcdef01234567";

let sim: AtlasSimulator;
let local: LocalStack;
let dir: string;
const transcript = new Transcript();

beforeAll(async () => {
  sim = await startFastSimulator();
  dir = await mkdtemp(join(tmpdir(), "gw-inventory-"));
  const callersFile = join(dir, "callers.json");
  const callers = [
    {
      id: "ops",
      tokenSha256: [hashToken(TOKENS.ops)],
      projects: [{ groupId: sim.demo.groupId }],
      identities: { slack: [{ teamId: TEAM }] },
    },
    { id: "stranger", tokenSha256: [hashToken(TOKENS.stranger)], projects: [{ groupId: OTHER_GROUP }] },
  ];
  await writeFile(callersFile, JSON.stringify({ callers }));
  local = await startLocalStack(stackOptions(sim, { callersFile, slackSigningSecret: SLACK_SECRET }));
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const inventory = (query: string, token = TOKENS.ops) =>
  transcript.fetch(`${local.gatewayUrl}/v1/peerings?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });

const document = openApi();
const validate = documentValidator(document);

/** The answer is one the OpenAPI document describes for `GET /v1/peerings` (status, media type, schema). */
function expectDocumented(answer: Awaited<ReturnType<Transcript["fetch"]>>) {
  const contentType = answer.headers.get("content-type") ?? "";
  const pointer = responseSchemaPointer(document, "GET /v1/peerings", answer.status, contentType);
  expect(validate(pointer, answer.body)).toEqual([]);
}

type Item = {
  provider: string;
  peerId: string;
  importId: string;
  atlas: { status?: string; connectionId?: string };
};

describe("GET /v1/peerings", () => {
  it("lists the demo's AWS, AZURE and GCP peerings with Atlas's status and Terraform import ids", async () => {
    const { groupId, peers } = sim.demo;
    const answer = await inventory(`groupId=${groupId}`);
    expect(answer.status).toBe(200);
    expectDocumented(answer);
    const items = answer.body.items as Item[];
    const demo = items.filter((item) => Object.values(peers).some((peer) => peer.peerId === item.peerId));
    expect(demo.map((item) => [item.provider, item.peerId, item.importId])).toEqual([
      ["AWS", peers.aws.peerId, `${groupId}-${peers.aws.peerId}-AWS`],
      ["AZURE", peers.azure.peerId, `${groupId}-${peers.azure.peerId}-AZURE`],
      ["GCP", peers.gcp.peerId, `${groupId}-${peers.gcp.peerId}-GCP`],
    ]);
    expect(demo.every((item) => item.atlas.status === "AVAILABLE")).toBe(true);
    expect(answer.body.errors).toBeUndefined();
    // One list per provider, each asked for by name: Atlas lists only AWS peers otherwise.
    const lists = sim.requests.filter(
      (r) => r.method === "GET" && r.authenticated && r.path.endsWith(`/groups/${groupId}/peers`),
    );
    expect(lists.map((r) => new URLSearchParams(r.query).get("providerName")).sort()).toEqual([
      "AWS",
      "AZURE",
      "GCP",
    ]);
  });

  it("finds the AWS peering by its pcx id, and the Azure one by its VNet name", async () => {
    const { groupId, peers } = sim.demo;
    const all = (await inventory(`groupId=${groupId}`)).body.items as Item[];
    const pcx = all.find((item) => item.peerId === peers.aws.peerId)?.atlas.connectionId ?? "";
    expect(pcx).toMatch(/^pcx-/);
    const byPcx = await inventory(`groupId=${groupId}&q=${encodeURIComponent(pcx)}`);
    expect(byPcx.body.items.map((item: Item) => item.peerId)).toEqual([peers.aws.peerId]);
    const byVnet = await inventory(`groupId=${groupId}&q=${peers.azure.vnetName.toUpperCase()}`);
    expect(byVnet.body.items.map((item: Item) => item.peerId)).toEqual([peers.azure.peerId]);
  });

  it("shows the last change made through the gateway beside its peering", async () => {
    const { groupId, peers } = sim.demo;
    const api = changeApi(local.gatewayUrl, TOKENS.ops, transcript);
    const submitted = await api.submit({
      groupId,
      peerId: peers.aws.peerId,
      peering: awsPeering(sim, "10.8.8.0/24"),
    });
    const settled = await api.settled(submitted.body.id);
    const answer = await inventory(`groupId=${groupId}&q=${peers.aws.peerId}`);
    expectDocumented(answer);
    expect(answer.body.items[0].lastChange).toMatchObject({
      id: settled.id,
      state: settled.state,
      callerId: "ops",
      channel: "http",
    });
  });

  it("refuses a project the caller is not granted with 403, before Atlas is asked", async () => {
    const before = sim.requests.length;
    const answer = await inventory(`groupId=${sim.demo.groupId}`, TOKENS.stranger);
    expect(answer.status).toBe(403);
    expectDocumented(answer);
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    expect(sim.requests.length).toBe(before);
  });
});

describe("the inventory in Slack and the CLI", () => {
  it("answers /atlas-peering peers <groupId> with a compact list, within Slack's budget", async () => {
    const { groupId, peers } = sim.demo;
    const body = slashCommand({
      text: `peers ${groupId}`,
      team_id: TEAM,
      response_url: "https://hooks.slack.com/x",
    });
    const slack = await postSlack(local.gatewayUrl, transcript, { secret: SLACK_SECRET, body });
    expect(slack.status).toBe(200);
    expect(slack.elapsedMs).toBeLessThan(3000);
    expect(slack.body.response_type).toBe("ephemeral");
    const shown = slackText(slack.body);
    for (const peer of Object.values(peers)) expect(shown).toContain(peer.peerId);
    expect(shown).toContain(`${groupId}-${peers.gcp.peerId}-GCP`);
  });

  it("prints peers list --group as a table, and --json as the gateway's answer; --find narrows it", async () => {
    const { groupId, peers } = sim.demo;
    const run = async (argv: string[]) => {
      const out = { stdout: "", stderr: "" };
      const env = { GATEWAY_URL: local.gatewayUrl, GATEWAY_TOKEN: TOKENS.ops };
      const code = await main(argv, {
        stdout: (s) => {
          out.stdout += s;
        },
        stderr: (s) => {
          out.stderr += s;
        },
        isTTY: false,
        env,
      });
      expect(`${out.stdout}${out.stderr}`).not.toContain(TOKENS.ops);
      return { code, ...out };
    };
    const table = await run(["peers", "list", "--group", groupId]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+PROVIDER\s+STATUS\s+NETWORK\s+LAST CHANGE\s+IMPORT ID/);
    for (const peer of Object.values(peers)) expect(table.stdout).toContain(peer.peerId);
    const found = await run(["peers", "list", "--group", groupId, "--find", peers.gcp.networkName, "--json"]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).items.map((item: Item) => item.peerId)).toEqual([peers.gcp.peerId]);
    const refused = await run(["peers", "list", "--group", OTHER_GROUP]);
    expect(refused.code).toBe(3);
  });
});

it("never shows a token or signing secret in any answer", () => {
  for (const text of transcript.texts) {
    for (const secret of [...Object.values(TOKENS), SLACK_SECRET]) expect(text).not.toContain(secret);
  }
});
