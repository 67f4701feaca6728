import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken, signRequest } from "../../src/access/signature.js";
import { slackSignature } from "../../src/channels/slack/signature.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  slashCommand,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";

// Distinctive values, so a leak anywhere is found by a plain substring search.
const TOKEN = "e2e-token-replays-3f2a1b0c9d8e";
const SECRET_OLD = "e2e-signing-secret-replays-old-01";
const SECRET_NEW = "e2e-signing-secret-replays-new-02";
const SLACK_SECRET = "e2e-slack-secret-replays-5a6b7c";
const TEAM = "T0REPLAY01";
const ALREADY_USED = "This signed request was already used; sign each request anew.";

let sim: AtlasSimulator;
let local: LocalStack;
let dir: string;
const transcript = new Transcript();
const logLines: string[] = [];
const signatures: string[] = [];

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      logLines.push(String(chunk));
      return true;
    });
  }
  sim = await startFastSimulator();
  dir = await mkdtemp(join(tmpdir(), "gw-replays-callers-"));
  const callersFile = join(dir, "callers.json");
  const callers = [
    { id: "ops", tokenSha256: [hashToken(TOKEN)], projects: [{ groupId: "*" }] },
    // Mid-rotation: both secrets are valid, and the client signs with both.
    { id: "ci-signer", signingSecrets: [SECRET_OLD, SECRET_NEW], projects: [{ groupId: "*" }] },
    { id: "chatops", slack: [{ teamId: TEAM }], projects: [{ groupId: "*" }] },
  ];
  await writeFile(callersFile, JSON.stringify({ callers }));
  local = await startLocalStack(
    stackOptions(sim, { callersFile, slackSigningSecret: SLACK_SECRET, logLevel: "DEBUG" }),
  );
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const aws = () => ({ groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId });

/** Every change of the demo AWS peer, as the change API lists it. */
async function changesOfPeer(): Promise<Array<{ id: string; state: string; channel: string }>> {
  const { groupId, peerId } = aws();
  const url = `${local.gatewayUrl}/v1/peering-changes?groupId=${groupId}&peerId=${peerId}&limit=100`;
  const listing = await transcript.fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(listing.status).toBe(200);
  return listing.body.items;
}

/** A POST of a change, signed once with each secret; `send` sends it with any signature header. */
function signedChange(cidr: string) {
  const body = JSON.stringify({ ...aws(), peering: awsPeering(sim, cidr) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const parts = { timestamp, method: "POST", pathWithQuery: "/v1/peering-changes", body };
  const [A, B] = [SECRET_OLD, SECRET_NEW].map((secret) => signRequest(secret, parts)) as [string, string];
  signatures.push(A, B, A.slice(3), B.slice(3));
  const send = (signature: string) =>
    transcript.fetch(`${local.gatewayUrl}/v1/peering-changes`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-gateway-caller": "ci-signer",
        "x-gateway-timestamp": timestamp,
        "x-gateway-signature": signature,
      },
      body,
    });
  return { A, B, send };
}

/** One signed Slack `update` delivery; `send` posts that very delivery again, with extra headers if asked. */
function slackUpdate(cidr: string) {
  const text = `update ${aws().groupId} ${aws().peerId} routeTableCidrBlock=${cidr}`;
  const body = slashCommand({ text, team_id: TEAM, response_url: "http://127.0.0.1:9/none" });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = slackSignature(SLACK_SECRET, timestamp, body);
  signatures.push(signature, signature.slice(3));
  const send = (extra: Record<string, string> = {}) =>
    transcript.fetch(`${local.gatewayUrl}/v1/slack/commands`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
        ...extra,
      },
      body,
    });
  return { send };
}

describe("replays of a signed HTTP request over real sockets", () => {
  it("accepts v1=A,v1=B once, then refuses v1=B, v1=A and v1=B,v1=A: one change, one PATCH", async () => {
    const [changesBefore, patchesBefore] = [
      (await changesOfPeer()).length,
      patchesTo(sim, aws().peerId).length,
    ];
    const { A, B, send } = signedChange("10.61.0.0/21");
    const first = await send(`${A},${B}`);
    expect(first.status).toBe(202);
    // Settled first, so no lock on the peering stands in for the replay guard: a replay let through would be
    // a second change (the timestamp is still well inside the window).
    const settled = await changeApi(local.gatewayUrl, TOKEN, transcript).settled(first.body.id);
    expect(settled.state).toBe("SUCCEEDED");
    for (const replay of [B, A, `${B},${A}`]) {
      const answer = await send(replay);
      expect(answer.status).toBe(401);
      expect(answer.body.detail).toBe(ALREADY_USED);
    }
    expect(await changesOfPeer()).toHaveLength(changesBefore + 1);
    expect(patchesTo(sim, aws().peerId)).toHaveLength(patchesBefore + 1);
  });
});

describe("replays of a signed Slack command over real sockets", () => {
  it("acts on an update once; the same delivery again, or marked as Slack's retry, creates no second change", async () => {
    const [changesBefore, patchesBefore] = [
      (await changesOfPeer()).length,
      patchesTo(sim, aws().peerId).length,
    ];
    const { send } = slackUpdate("10.62.0.0/21");
    const first = await send();
    expect(first.status).toBe(200);
    const changeId = /^Change (\S+) accepted/.exec(first.body.text)?.[1] ?? "";
    expect(changeId).not.toBe("");
    const settled = await changeApi(local.gatewayUrl, TOKEN, transcript).settled(changeId);
    expect(settled.state).toBe("SUCCEEDED");
    for (const extra of [{}, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }]) {
      const again = await send(extra);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        response_type: "ephemeral",
        text: expect.stringMatching(/^This command was already handled, so nothing was done again/),
      });
    }
    const changes = await changesOfPeer();
    expect(changes).toHaveLength(changesBefore + 1);
    expect(changes.filter((c) => c.channel === "slack")).toHaveLength(1);
    expect(patchesTo(sim, aws().peerId)).toHaveLength(patchesBefore + 1);
  });
});

describe("secrets (last: it searches everything the tests above captured)", () => {
  it("never lets a signature or secret reach an answer or a log line, and logs the Slack replay", () => {
    const logs = logLines.join("");
    expect(logs).toContain('"message":"Slack command replayed"');
    expect(signatures.length).toBeGreaterThanOrEqual(6);
    const leaks = [...signatures, SECRET_OLD, SECRET_NEW, SLACK_SECRET, TOKEN].flatMap((secret) => [
      ...(logs.includes(secret) ? [`log: ${secret}`] : []),
      ...transcript.texts.filter((t) => t.includes(secret)).map(() => `answer: ${secret}`),
    ]);
    expect(leaks).toEqual([]);
  });
});
