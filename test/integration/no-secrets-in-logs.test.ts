import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AtlasSimulator, startAtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken, signRequest } from "../../src/access/signature.js";
import { awsPeering } from "./support/gatewayE2e.js";

// Distinctive values so any leak is found by a plain substring search.
const SECRETS = {
  atlasPrivateKey: "atlas-private-0b1c2d3e4f5a6b7c",
  bearerToken: "bearer-token-9a8b7c6d5e4f3a2b",
  signingSecret: "signing-secret-1f2e3d4c5b6a7980",
  slackSigningSecret: "no-secrets-slack-signing-0001",
};

let sim: AtlasSimulator;
let stack: LocalStack;
let dir: string;
const captured: string[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({
    publicKey: "leakpub1",
    privateKey: SECRETS.atlasPrivateKey,
    stepMs: 60_000,
  });
  dir = await mkdtemp(join(tmpdir(), "gw-no-secrets-"));
  const callersFile = join(dir, "callers.json");
  const callers = [
    {
      id: "tool",
      tokenSha256: [hashToken(SECRETS.bearerToken)],
      signingSecrets: [SECRETS.signingSecret],
      projects: [{ groupId: sim.demo.groupId }],
    },
  ];
  await writeFile(callersFile, JSON.stringify({ callers }));
  // The production wiring end to end: keys and callers come from the Secrets Manager stand-in.
  stack = await startLocalStack({
    atlas: { baseUrl: sim.url, publicKey: "leakpub1", privateKey: SECRETS.atlasPrivateKey },
    callersFile,
    slackSigningSecret: SECRETS.slackSigningSecret,
    logLevel: "DEBUG",
  });
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      captured.push(String(chunk));
      return original(chunk);
    });
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await stack.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe("secrets never reach logs or responses", () => {
  it("keeps keys, tokens and signatures out of every log line and answer", async () => {
    const { groupId, peers } = sim.demo;
    const path = `/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`;
    const body = JSON.stringify(awsPeering(sim, "10.9.0.0/21"));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = signRequest(SECRETS.signingSecret, {
      timestamp,
      method: "PATCH",
      pathWithQuery: path,
      body,
    });
    const json = { "content-type": "application/json" };
    sim.faults.inject({ status: 503, count: 1, match: { method: "PATCH" } });
    const requests: Array<Record<string, string>> = [
      { ...json, authorization: `Bearer ${SECRETS.bearerToken}` },
      {
        ...json,
        "x-gateway-caller": "tool",
        "x-gateway-timestamp": timestamp,
        "x-gateway-signature": signature,
      },
      {
        ...json,
        "x-gateway-caller": "tool",
        "x-gateway-timestamp": timestamp,
        "x-gateway-signature": `${signature}00`,
      },
      { ...json, authorization: `Bearer ${SECRETS.bearerToken}x` },
    ];
    const answers: string[] = [];
    for (const headers of requests) {
      const response = await fetch(`${stack.gatewayUrl}${path}`, { method: "PATCH", headers, body });
      answers.push(JSON.stringify([...response.headers]) + (await response.text()));
    }
    // The log must really have been captured, or this test proves nothing.
    const logs = captured.join("");
    expect(logs).toContain("peering change submitted");
    expect(logs).toMatch(/"atlasLatencyMs":\d/);
    expect(logs).toContain("request refused");
    expect(logs).toContain("retrying Atlas");
    for (const secret of [...Object.values(SECRETS), signature]) {
      expect(logs).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
    expect(JSON.stringify(sim.requests)).not.toContain(SECRETS.atlasPrivateKey);
    // Nor what the gateway sent AWS: the items and queries it stored, the schedules, the events.
    const { dynamodb, scheduler, eventBridge, secretsManager } = stack.cloud;
    expect(dynamodb.calls.map((c) => c.action)).toContain("PutItem");
    expect(scheduler.created).not.toEqual([]);
    const sentToAws = JSON.stringify([
      dynamodb.calls,
      scheduler.calls,
      scheduler.created,
      eventBridge.calls,
      eventBridge.published,
      secretsManager.calls,
    ]);
    for (const secret of [...Object.values(SECRETS), signature]) expect(sentToAws).not.toContain(secret);
  });
});
