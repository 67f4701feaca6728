import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AtlasSimulator, DEMO_PRIVATE_KEY } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken, signRequest } from "../../src/access/signature.js";
import type { AuditRecord } from "../../src/ports/AuditLog.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  postSlack,
  slashCommand,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";

// Distinctive values, so a leak anywhere is found by a plain substring search.
const TOKEN = "e2e-token-audit-7c1d9e0f2a3b";
const SIGNING_SECRET = "e2e-signing-secret-4e5f6a7b8c9d";
const SLACK_SECRET = "e2e-slack-secret-0a1b2c3d4e5f";
const OTHER_GROUP = "0123456789abcdef01234567";

let sim: AtlasSimulator;
let local: LocalStack;
let dir: string;
const transcript = new Transcript();
const logLines: string[] = [];
/** Every secret of the test, plus each signature computed along the way. */
const secrets = [TOKEN, SIGNING_SECRET, SLACK_SECRET, DEMO_PRIVATE_KEY];

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      logLines.push(String(chunk));
      return true;
    });
  }
  sim = await startFastSimulator();
  dir = await mkdtemp(join(tmpdir(), "gw-audit-callers-"));
  const callersFile = join(dir, "callers.json");
  const callers = [
    { id: "ops", tokenSha256: [hashToken(TOKEN)], projects: [{ groupId: "*" }] },
    { id: "ci-signer", signingSecrets: [SIGNING_SECRET], projects: [{ groupId: sim.demo.groupId }] },
    { id: "other-team", slack: [{ teamId: "T0OTHER00" }], projects: [{ groupId: OTHER_GROUP }] },
  ];
  await writeFile(callersFile, JSON.stringify({ callers }));
  local = await startLocalStack(
    stackOptions(sim, { callersFile, slackSigningSecret: SLACK_SECRET, logLevel: "DEBUG" }),
  );
});
afterAll(async () => {
  await local.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const api = () => changeApi(local.gatewayUrl, TOKEN, transcript);
const aws = () => ({ groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId });

function azureChange(vnetName: string) {
  const { peerId, containerId, azureDirectoryId, azureSubscriptionId, resourceGroupName } =
    sim.demo.peers.azure;
  const peering = {
    providerName: "AZURE",
    ...{ containerId, azureDirectoryId, azureSubscriptionId, resourceGroupName, vnetName },
  };
  return { groupId: sim.demo.groupId, peerId, peering };
}

/** POSTs a dry run signed by `ci-signer`, twice with the very same headers; keeps the signature to search for. */
async function signedTwice(body: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const parts = { timestamp, method: "POST", pathWithQuery: "/v1/peering-changes", body };
  const signature = signRequest(SIGNING_SECRET, parts);
  secrets.push(signature, signature.slice("v1=".length));
  const headers = {
    "content-type": "application/json",
    "x-gateway-caller": "ci-signer",
    "x-gateway-timestamp": timestamp,
    "x-gateway-signature": signature,
  };
  const send = () =>
    transcript.fetch(`${local.gatewayUrl}/v1/peering-changes`, { method: "POST", headers, body });
  return [await send(), await send()] as const;
}

/** `update` on the demo AWS peer by `other-team`, whose grant is another project. */
async function forbiddenSlackUpdate() {
  const text = `update ${aws().groupId} ${aws().peerId} routeTableCidrBlock=10.49.0.0/21`;
  const body = slashCommand({ text, team_id: "T0OTHER00", response_url: "http://127.0.0.1:9/none" });
  const answer = await postSlack(local.gatewayUrl, transcript, { secret: SLACK_SECRET, body });
  secrets.push(answer.signature, answer.signature.slice("v0=".length));
  return answer;
}

describe("dry runs, changes that change nothing, and changes Atlas cannot make", () => {
  it("answers a dry run with the CIDR's current and desired value and sends no PATCH", async () => {
    const answer = await api().submit({ ...aws(), peering: awsPeering(sim, "10.40.0.0/21"), dryRun: true });
    expect(answer.status).toBe(200);
    const current = answer.body.current.routeTableCidrBlock;
    expect(current).not.toBe("10.40.0.0/21");
    expect(answer.body).toMatchObject({
      dryRun: true,
      noop: false,
      diff: [{ field: "routeTableCidrBlock", current, desired: "10.40.0.0/21" }],
      changes: [`routeTableCidrBlock: ${current} → 10.40.0.0/21`],
    });
    expect(patchesTo(sim, aws().peerId)).toHaveLength(0);
    const again = await api().submit({ ...aws(), peering: awsPeering(sim, "10.40.0.0/21"), dryRun: true });
    expect(again.body.current.routeTableCidrBlock).toBe(current);
  });

  it("completes a change asking for what the peer already has as SUCCEEDED at once, with no PATCH", async () => {
    const patchesBefore = patchesTo(sim, aws().peerId).length;
    const read = await api().submit({ ...aws(), peering: awsPeering(sim, "10.41.0.0/21"), dryRun: true });
    const { accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId } = read.body.current;
    const peering = { accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId };
    const answer = await api().submit({ ...aws(), peering });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ state: "SUCCEEDED", change: { state: "SUCCEEDED" } });
    expect(answer.body.change.history.at(-1).note).toMatch(/^no change needed/);
    expect(patchesTo(sim, aws().peerId)).toHaveLength(patchesBefore);
  });

  it("refuses an Azure vnetName change with 422 and the reason, sending nothing to Atlas", async () => {
    const answer = await api().submit(azureChange("atlas-other-vnet"));
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      type: "https://atlas-peering-gateway.dev/problems/change-not-updatable",
      detail: expect.stringMatching(
        /^vnetName cannot be changed in place: Atlas answers 400 INVALID_ATTRIBUTE/,
      ),
    });
    expect(patchesTo(sim, sim.demo.peers.azure.peerId)).toHaveLength(0);
  });
});

describe("replay protection for signed requests", () => {
  it("accepts a signed request once and refuses the same headers a second time with 401", async () => {
    const body = JSON.stringify({ ...aws(), peering: awsPeering(sim, "10.42.0.0/21"), dryRun: true });
    const [first, replay] = await signedTwice(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ dryRun: true, noop: false });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toBe("This signed request was already used; sign each request anew.");
  });
});

/** One of each outcome on the demo project; returns the id of the change followed to its end. */
async function provokeEveryOutcome(): Promise<string> {
  const created = await api().submit({ ...aws(), peering: awsPeering(sim, "10.43.0.0/21"), reason: "audit" });
  expect((await api().settled(created.body.id)).state).toBe("SUCCEEDED");
  const invalid = await api().submit({
    ...aws(),
    peering: { ...awsPeering(sim, "10.44.0.0/21"), vpcId: "x" },
  });
  const unauthenticated = await transcript.fetch(
    `${local.gatewayUrl}/api/atlas/v2/groups/${aws().groupId}/peers/${aws().peerId}`,
    { method: "PATCH", headers: { authorization: "Bearer not-a-known-token" }, body: "{}" },
  );
  const replayed = JSON.stringify({ ...aws(), peering: awsPeering(sim, "10.45.0.0/21"), dryRun: true });
  const [, replay] = await signedTwice(replayed);
  const azure = await api().submit(azureChange("atlas-other-vnet"));
  const slack = await forbiddenSlackUpdate();
  expect([invalid, unauthenticated, replay, azure, slack].map((a) => a.status)).toEqual([
    400, 401, 401, 422, 200,
  ]);
  return created.body.id;
}

async function auditOfDemoProject(since: string) {
  const listing = await transcript.fetch(
    `${local.gatewayUrl}/v1/audit?groupId=${aws().groupId}&since=${encodeURIComponent(since)}`,
    { headers: { authorization: `Bearer ${TOKEN}` } },
  );
  expect(listing.status).toBe(200);
  return listing.body.items as Array<AuditRecord & { at: string }>;
}

describe("the audit trail", () => {
  it("lists accepted, completed and refused requests of the project, newest first", async () => {
    const since = new Date(Date.now() - 1).toISOString();
    const changeId = await provokeEveryOutcome();
    const items = await auditOfDemoProject(since);
    const at = items.map((r) => Date.parse(r.at));
    expect(at).toEqual([...at].sort((a, b) => b - a));
    const find = (match: Partial<AuditRecord>) => items.findIndex((r) => matches(r, match));
    const accepted = find({ outcome: "accepted", changeId });
    const completed = find({ outcome: "completed", changeId });
    expect(items[accepted]).toMatchObject({ channel: "http", callerId: "ops", peerId: aws().peerId });
    expect(items[completed]).toMatchObject({ channel: "http", callerId: "ops", state: "SUCCEEDED" });
    expect(completed).toBeGreaterThanOrEqual(0);
    expect(completed).toBeLessThan(accepted);
    expect(items[0]).toMatchObject({
      outcome: "refused",
      reason: "forbidden",
      channel: "slack",
      callerId: "other-team",
    });
    const refusals = items.filter((r) => r.outcome === "refused");
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          reason: "validation",
          channel: "http",
          callerId: "ops",
          detail: expect.stringContaining("peering.vpcId"),
        }),
        expect.objectContaining({
          reason: "not updatable",
          channel: "http",
          callerId: "ops",
          peerId: sim.demo.peers.azure.peerId,
        }),
      ]),
    );
    // Refusals without valid credentials (the bad token, the replayed signature) are logged and counted,
    // never written to a project's trail.
    expect(refusals.filter((r) => r.reason === "unauthenticated")).toEqual([]);
  });
});

describe("secrets (last: it searches everything the tests above captured)", () => {
  it("never lets a token, signing secret, Slack secret, Atlas key or signature reach an answer or a log line", () => {
    const logs = logLines.join("");
    // The capture must really have worked, or this test proves nothing.
    expect(logs).toContain('"message":"peering change submitted"');
    expect(logs).toContain('"message":"request refused"');
    expect(logs).toContain('"message":"audit"');
    expect(transcript.texts.some((t) => t.includes('"items":['))).toBe(true);
    expect(secrets.length).toBeGreaterThanOrEqual(4 + 2 * 3);
    const leaks = secrets.flatMap((secret) => [
      ...(logs.includes(secret) ? [`log: ${secret}`] : []),
      ...transcript.texts.filter((t) => t.includes(secret)).map(() => `answer: ${secret}`),
    ]);
    expect(leaks).toEqual([]);
  });
});

function matches(record: AuditRecord, match: Partial<AuditRecord>): boolean {
  return Object.entries(match).every(([key, value]) => record[key as keyof AuditRecord] === value);
}
