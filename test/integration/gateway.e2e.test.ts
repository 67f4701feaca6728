import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { banner } from "../../local/banner.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken } from "../../src/access/signature.js";
import { awsPeering, otherAccountPeer, otherAccountPeering } from "./support/gatewayE2e.js";

const run = promisify(execFile);
const V2 = "application/vnd.atlas.2023-01-01+json";

let stack: LocalStack;
let sim: AtlasSimulator;
let peerPath: (version: "v1.0" | "v2", peer?: "aws" | "gcp") => string;
let awsBody: Record<string, string>;

// A fresh stack per test: each test changes the same demo peer, and the gateway allows one change per
// peering at a time.
beforeEach(async () => {
  stack = await startLocalStack({
    devToken: "e2e-dev-token-0f9e8d7c",
    simulatorStepMs: 60_000,
    logLevel: "SILENT",
  });
  if (!stack.simulator) throw new Error("expected the embedded simulator");
  sim = stack.simulator;
  const { groupId, peers } = sim.demo;
  peerPath = (version, peer = "aws") => `/api/atlas/${version}/groups/${groupId}/peers/${peers[peer].peerId}`;
  awsBody = { ...awsPeering(sim, "10.9.0.0/21"), providerName: "AWS" };
});
afterEach(() => stack.close());

function send(
  path: string,
  init: { method?: string; body?: string; token?: string | null; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? stack.devToken}`;
  return fetch(`${stack.gatewayUrl}${path}`, {
    method: init.method ?? "PATCH",
    headers,
    ...(init.body ? { body: init.body } : {}),
  });
}

const patches = () => sim.requests.filter((r) => r.method === "PATCH");

describe("the gateway in front of the Atlas simulator, over real sockets", () => {
  it("forwards an AWS change to the v2 API with digest auth, the identical JSON and the versioned media type", async () => {
    const body = JSON.stringify(awsBody);
    const response = await send(peerPath("v2"), { body, headers: { "content-type": V2, accept: V2 } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(V2);
    expect(response.headers.get("x-change-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(await response.json()).toMatchObject({ ...awsBody, statusName: "INITIATING" });
    // The first request of a fresh authenticator is the digest probe; the challenge answers it with 401.
    const authenticated = patches().filter((r) => r.authenticated);
    expect(authenticated).toHaveLength(1);
    const [patch] = authenticated;
    expect(patch).toMatchObject({ body, status: 200, path: peerPath("v2") });
    expect(patch?.headers).toMatchObject({ accept: V2, "content-type": V2, authorization: "[redacted]" });
  });

  it("keeps Atlas's envelope and pretty-printing, and speaks plain JSON on v1.0", async () => {
    const response = await send(`${peerPath("v1.0")}?envelope=true&pretty=true`, {
      body: '{"routeTableCidrBlock":"10.15.0.0/24"}',
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain("\n");
    expect(JSON.parse(text)).toMatchObject({ status: 200, content: { routeTableCidrBlock: "10.15.0.0/24" } });
    expect(patches().at(-1)).toMatchObject({
      query: "pretty=true&envelope=true",
      authenticated: true,
      headers: { "content-type": "application/json", accept: "application/json" },
    });
  });

  it("never reaches Atlas with an invalid body or without valid credentials", async () => {
    const invalid = await send(peerPath("v2"), {
      body: JSON.stringify({ ...awsBody, awsAccountId: "abc123abc123", vpcId: "vpc-abc123abc123" }),
    });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toEqual(["awsAccountId", "vpcId"]);
    expect((await send(peerPath("v2"), { body: JSON.stringify(awsBody), token: null })).status).toBe(401);
    expect((await send(peerPath("v2"), { body: JSON.stringify(awsBody), token: "wrong" })).status).toBe(401);
    expect(sim.requests).toEqual([]);
  });

  it("retries Atlas 503s and succeeds", async () => {
    sim.faults.inject({ status: 503, count: 2, match: { method: "PATCH" } });
    const response = await send(peerPath("v2"), { body: JSON.stringify(awsBody) });
    expect(response.status).toBe(200);
    expect(patches().map((r) => r.status)).toEqual(expect.arrayContaining([503, 503, 200]));
  });

  it("waits out a 429's Retry-After and succeeds", async () => {
    sim.faults.inject({ status: 429, count: 1, retryAfterSeconds: 1, match: { method: "PATCH" } });
    const started = Date.now();
    const response = await send(peerPath("v2"), { body: JSON.stringify(awsBody) });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it("survives a dropped connection", async () => {
    sim.faults.inject({ reset: "connection", count: 1, match: { method: "PATCH" } });
    expect((await send(peerPath("v2"), { body: JSON.stringify(awsBody) })).status).toBe(200);
  });

  it("surfaces Atlas's 4xx faithfully: status and body", async () => {
    const gcpAsAws = await send(peerPath("v2", "gcp"), { body: JSON.stringify(awsBody) });
    expect(gcpAsAws.status).toBe(404);
    expect(await gcpAsAws.json()).toMatchObject({
      error: 404,
      errorCode: "PEER_NOT_FOUND",
      reason: "Not Found",
    });
    expect(patches().filter((r) => r.authenticated)).toHaveLength(1);
  });

  it("reports the change state on POST /v1/peering-changes", async () => {
    const { groupId, peers } = sim.demo;
    const body = JSON.stringify({ groupId, peerId: peers.aws.peerId, peering: awsBody, reason: "e2e" });
    const response = await send("/v1/peering-changes", { method: "POST", body });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({
      id: expect.any(String),
      state: "IN_PROGRESS",
      atlas: { statusName: "INITIATING" },
    });
  });

  it("prints a curl on start that works as printed", async () => {
    const curl = banner(stack).split("Try it:")[1]?.trim() ?? "";
    expect(curl).toMatch(/^curl /);
    // The token was supplied, so the banner names it by variable, never by value (as `npm start` is run).
    expect(banner(stack)).not.toContain(stack.devToken ?? "?");
    const env = { ...process.env, GATEWAY_DEV_TOKEN: stack.devToken };
    const { stdout } = await run("bash", ["-c", curl], { env });
    // `curl -i`: the status and headers come first, so the change id is on screen.
    const [head = "", body = ""] = stdout.split("\r\n\r\n");
    expect(head).toMatch(/^x-change-request-id: \S+/im);
    expect(head).toMatch(/^location: \/v1\/peering-changes\/\S+/im);
    expect(JSON.parse(body)).toMatchObject({
      routeTableCidrBlock: "10.9.0.0/21",
      statusName: "INITIATING",
    });
  });

  it("prints where the local AWS stand-ins listen, and how to follow a change with the CLI", () => {
    const text = banner(stack);
    const { secretsManager, dynamodb, scheduler, eventBridge } = stack.cloud;
    expect(text).toContain(`Secrets Manager  ${secretsManager.url}`);
    expect(text).toContain(`DynamoDB         ${dynamodb.url}`);
    expect(text).toContain(`Scheduler        ${scheduler.url}`);
    expect(text).toContain(`EventBridge      ${eventBridge.url}`);
    expect(text).toContain(`export GATEWAY_URL=${stack.gatewayUrl} GATEWAY_TOKEN=`);
  });
});

describe("a callers file instead of the dev caller", () => {
  it("refuses a caller outside its projects with 403 and leaves Atlas untouched", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gw-callers-"));
    const file = join(dir, "callers.json");
    const other = "0123456789abcdef01234567";
    const registry = {
      callers: [
        { id: "team-b", tokenSha256: [hashToken("team-b-token-123")], projects: [{ groupId: other }] },
      ],
    };
    await writeFile(file, JSON.stringify(registry));
    const limited = await startLocalStack({ callersFile: file, logLevel: "SILENT" });
    try {
      const { groupId, peers } = limited.simulator?.demo ?? sim.demo;
      const response = await fetch(
        `${limited.gatewayUrl}/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`,
        {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: "Bearer team-b-token-123" },
          body: JSON.stringify(awsBody),
        },
      );
      expect(response.status).toBe(403);
      expect(limited.devToken).toBeUndefined();
      expect(limited.simulator?.requests).toEqual([]);
    } finally {
      await limited.close();
      await rm(dir, { recursive: true });
    }
  });

  it("refuses to start on a callers file that is not JSON, naming the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gw-callers-"));
    const file = join(dir, "callers.json");
    try {
      await writeFile(file, '{"callers": [');
      await expect(startLocalStack({ callersFile: file, logLevel: "SILENT" })).rejects.toThrow(
        `The callers file ${file} (GATEWAY_CALLERS_FILE) is not valid JSON`,
      );
      await writeFile(file, JSON.stringify({ callers: [{ id: "no-projects" }] }));
      await expect(startLocalStack({ callersFile: file, logLevel: "SILENT" })).rejects.toThrow(
        `The callers registry in file ${file} is not valid`,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe("the embedded simulator without auto-acceptance (ATLAS_SIM_AUTO_ACCEPT=false)", () => {
  it("keeps a change WAITING_FOR_USER until the peer is accepted, then it succeeds", async () => {
    const waiting = await startLocalStack({
      devToken: "e2e-dev-token-accept-01",
      simulatorStepMs: 100,
      simulatorAutoAccept: false,
      cadence: { recheckDelayMs: 150, humanWaitMaxMs: 400 },
      sweepEveryMs: 500,
      logLevel: "SILENT",
    });
    try {
      const simulator = waiting.simulator;
      if (!simulator) throw new Error("expected the embedded simulator");
      // The AWS peer in the account without a role: in the demo AWS peer's, the gateway accepts at once.
      const { groupId } = simulator.demo;
      const peer = otherAccountPeer(simulator);
      const headers = { authorization: "Bearer e2e-dev-token-accept-01", "content-type": "application/json" };
      const body = JSON.stringify({
        groupId,
        peerId: peer.peerId,
        peering: otherAccountPeering(simulator, "10.9.0.0/21"),
      });
      const submitted = (await (
        await fetch(`${waiting.gatewayUrl}/v1/peering-changes`, { method: "POST", headers, body })
      ).json()) as { id: string };
      const state = async () =>
        (
          (await (
            await fetch(`${waiting.gatewayUrl}/v1/peering-changes/${submitted.id}`, { headers })
          ).json()) as { state: string }
        ).state;
      await vi.waitFor(async () => expect(await state()).toBe("WAITING_FOR_USER"), { timeout: 10_000 });
      // Several re-checks later (a second apart), it still waits for the person.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await state()).toBe("WAITING_FOR_USER");
      simulator.faults.acceptPeer(peer.peerId);
      await vi.waitFor(async () => expect(await state()).toBe("SUCCEEDED"), { timeout: 10_000 });
    } finally {
      await waiting.close();
    }
  });
});
