import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startApiGatewayServer } from "../../local/apiGatewayServer.js";
import { type LocalDeps, localDeps } from "../../local/localDeps.js";
import { type AtlasSimulator, startAtlasSimulator } from "../../local/simulator/index.js";
import { LOCAL_CADENCE } from "../../local/stack.js";
import { hashToken, signRequest } from "../../src/auth/signature.js";
import { makeHttpHandler } from "../../src/http/lambdaHandler.js";
import { awsPeering } from "./support/gatewayE2e.js";

// Distinctive values so any leak is found by a plain substring search.
const SECRETS = {
  atlasPrivateKey: "atlas-private-0b1c2d3e4f5a6b7c",
  bearerToken: "bearer-token-9a8b7c6d5e4f3a2b",
  signingSecret: "signing-secret-1f2e3d4c5b6a7980",
};

let sim: AtlasSimulator;
let gateway: { url: string; close(): Promise<void> };
let deps: LocalDeps;
const captured: string[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({
    publicKey: "leakpub1",
    privateKey: SECRETS.atlasPrivateKey,
    stepMs: 60_000,
  });
  deps = await localDeps({
    cadence: LOCAL_CADENCE,
    slackSigningSecret: "no-secrets-slack-signing-0001",
    atlasBaseUrl: sim.url,
    credentials: { kind: "apiKey", publicKey: "leakpub1", privateKey: SECRETS.atlasPrivateKey },
    callers: {
      callers: [
        {
          id: "tool",
          tokenSha256: [hashToken(SECRETS.bearerToken)],
          signingSecrets: [SECRETS.signingSecret],
          projects: [{ groupId: sim.demo.groupId }],
        },
      ],
    },
    logLevel: "DEBUG",
  });
  gateway = await startApiGatewayServer(makeHttpHandler(deps));
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
  await gateway.close();
  await deps.close();
  await sim.close();
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
      const response = await fetch(`${gateway.url}${path}`, { method: "PATCH", headers, body });
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
  });
});
