import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AtlasSimulator, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken } from "../../src/access/signature.js";
import type { AuditRecord } from "../../src/ports/AuditLog.js";
import {
  awsPeering,
  postSlack,
  slashCommand,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";
import { digestFetch } from "./support/simDigest.js";

/**
 * The drop-in reads over real sockets: the local stack (production wiring, DynamoDB on dynalite) in front of
 * the Atlas simulator, with a change caller, a read-only caller and a caller granted one peer. Written against
 * the simulator's list without pagination: paging parameters are sent at their Atlas defaults.
 */
const V2 = "application/vnd.atlas.2023-01-01+json";
const TOKENS = {
  ops: "e2e-reads-ops-1a2b3c",
  viewer: "e2e-reads-viewer-4d5e6f",
  narrow: "e2e-reads-narrow-7a8b9c",
};
const SLACK_SECRET = "e2e-reads-slack-secret-0f1e2d";
const VIEWER_TEAM = "T0VIEWER0";
const VIEWER_SOURCE = "com.example.viewer";

let sim: AtlasSimulator;
let local: LocalStack;
let dir: string;
const transcript = new Transcript();

beforeAll(async () => {
  sim = await startFastSimulator();
  dir = await mkdtemp(join(tmpdir(), "gw-reads-"));
  const callersFile = join(dir, "callers.json");
  const { groupId, peers } = sim.demo;
  const callers = [
    { id: "ops", tokenSha256: [hashToken(TOKENS.ops)], projects: [{ groupId: "*" }] },
    {
      id: "viewer",
      tokenSha256: [hashToken(TOKENS.viewer)],
      projects: [{ groupId, access: "read" }],
      identities: { slack: [{ teamId: VIEWER_TEAM }], eventbridge: [{ source: VIEWER_SOURCE }] },
    },
    {
      id: "narrow",
      tokenSha256: [hashToken(TOKENS.narrow)],
      projects: [{ groupId, peerIds: [peers.azure.peerId] }],
    },
  ];
  await writeFile(callersFile, JSON.stringify({ callers }));
  local = await startLocalStack(stackOptions(sim, { callersFile, slackSigningSecret: SLACK_SECRET }));
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const peerPath = (peer: "aws" | "azure" | "gcp", version = "v2") =>
  `/api/atlas/${version}/groups/${sim.demo.groupId}/peers/${sim.demo.peers[peer].peerId}`;
const listPath = (version = "v2") => `/api/atlas/${version}/groups/${sim.demo.groupId}/peers`;

function gateway(path: string, token: string, init: { method?: string; body?: string } = {}) {
  return transcript.fetch(`${local.gatewayUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: V2 },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}

/** The same request straight to the simulator with its keys: what Atlas itself answers. */
function atlas(path: string) {
  const accept = path.startsWith("/api/atlas/v2/") ? V2 : "application/json";
  return digestFetch(`${sim.url}${path}`, {
    username: DEMO_PUBLIC_KEY,
    password: DEMO_PRIVATE_KEY,
    headers: { accept },
  });
}

/** A `Peering Change Requested` event from the viewer's source, as EventBridge delivers it. */
function viewerEvent(detail: object) {
  const envelope = { version: "0", id: randomUUID(), account: "000000000000", region: "eu-west-1" };
  const when = { time: new Date().toISOString(), resources: [] };
  return { ...envelope, ...when, "detail-type": "Peering Change Requested", source: VIEWER_SOURCE, detail };
}

const peerRequests = () => sim.requests.filter((r) => r.path.startsWith("/api/atlas/"));

describe("GET a peer and the peer list through the gateway", () => {
  it("answers one peer, on v2 and v1.0, exactly as Atlas does, and records no change", async () => {
    for (const version of ["v2", "v1.0"]) {
      const through = await gateway(`${peerPath("aws", version)}?pretty=true`, TOKENS.ops);
      const direct = await atlas(`${peerPath("aws", version)}?pretty=true`);
      expect(through.status).toBe(200);
      expect(through.text).toBe(direct.text);
      expect(through.headers.get("content-type")).toBe(direct.headers.get("content-type"));
      expect(through.headers.get("ratelimit-limit")).toBe("100");
      expect(through.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
    }
    const changes = await gateway(`/v1/peering-changes?groupId=${sim.demo.groupId}`, TOKENS.ops);
    expect(changes.body.items).toEqual([]);
  });

  it("forwards the list's query to Atlas as sent and answers the page byte for byte", async () => {
    const query = "providerName=AZURE&pageNum=1&itemsPerPage=100&includeCount=true";
    const through = await gateway(`${listPath()}?${query}`, TOKENS.ops);
    const forwarded = peerRequests().filter(
      (r) => r.method === "GET" && r.path === listPath() && r.authenticated,
    );
    const direct = await atlas(`${listPath()}?${query}`);
    expect(through.status).toBe(200);
    expect(through.text).toBe(direct.text);
    expect(through.headers.get("content-type")).toBe(V2);
    expect(through.body.results.map((p: { id: string }) => p.id)).toEqual([sim.demo.peers.azure.peerId]);
    expect(forwarded.at(-1)?.query).toBe(query);
  });

  it("keeps Atlas's envelope on the v1.0 list", async () => {
    const through = await gateway(`${listPath("v1.0")}?envelope=true`, TOKENS.ops);
    expect(through.status).toBe(200);
    expect(through.headers.get("content-type")).toContain("application/json");
    expect(through.body).toMatchObject({ status: 200, results: [{ id: sim.demo.peers.aws.peerId }] });
  });

  it("names every bad query parameter in one 400 and sends Atlas nothing", async () => {
    const before = peerRequests().length;
    const bad = await gateway(
      `${listPath()}?providerName=ORACLE&pageNum=0&itemsPerPage=1000&includeCount=1`,
      TOKENS.ops,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "query.includeCount",
      "query.itemsPerPage",
      "query.pageNum",
      "query.providerName",
    ]);
    expect(peerRequests()).toHaveLength(before);
  });
});

describe("a caller granted one peer", () => {
  it("sees only that peer in the lists, counted alone, and is refused the others before Atlas", async () => {
    const aws = await gateway(`${listPath()}?providerName=AWS`, TOKENS.narrow);
    expect(aws.body).toMatchObject({ results: [], totalCount: 0 });
    const azure = await gateway(`${listPath()}?providerName=AZURE`, TOKENS.narrow);
    expect(azure.body).toMatchObject({ results: [{ id: sim.demo.peers.azure.peerId }], totalCount: 1 });
    expect((await gateway(peerPath("azure"), TOKENS.narrow)).status).toBe(200);
    const before = peerRequests().length;
    expect((await gateway(peerPath("aws"), TOKENS.narrow)).status).toBe(403);
    expect(peerRequests()).toHaveLength(before);
  });
});

describe("a read-only grant", () => {
  const readOnly = /read-only/;

  it("reads, but every change route refuses it with 403 naming the rule, and Atlas gets no PATCH", async () => {
    expect((await gateway(peerPath("aws"), TOKENS.viewer)).status).toBe(200);
    const body = JSON.stringify({ ...awsPeering(sim, "10.61.0.0/21"), providerName: "AWS" });
    const patch = await gateway(peerPath("aws"), TOKENS.viewer, { method: "PATCH", body });
    expect(patch.status).toBe(403);
    expect(patch.body.detail).toMatch(/access: "read"/);
    const change = {
      groupId: sim.demo.groupId,
      peerId: sim.demo.peers.aws.peerId,
      peering: JSON.parse(body),
    };
    const post = await gateway("/v1/peering-changes", TOKENS.viewer, {
      method: "POST",
      body: JSON.stringify(change),
    });
    expect(post.status).toBe(403);
    expect(post.body.detail).toMatch(readOnly);
    expect(sim.requests.filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("sees another caller's change but may not cancel it", async () => {
    const peering = { ...awsPeering(sim, "10.63.0.0/21"), providerName: "AWS" };
    const change = { groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId, peering };
    const submitted = await gateway("/v1/peering-changes", TOKENS.ops, {
      method: "POST",
      body: JSON.stringify(change),
    });
    expect(submitted.status).toBeLessThan(300);
    const path = `/v1/peering-changes/${submitted.body.id}`;
    expect((await gateway(path, TOKENS.viewer)).body.id).toBe(submitted.body.id);
    const cancel = await gateway(path, TOKENS.viewer, { method: "DELETE" });
    expect(cancel.status).toBe(403);
    expect(cancel.body.detail).toMatch(readOnly);
  });

  it("is refused on Slack and on EventBridge, naming the rule", async () => {
    const patches = () => sim.requests.filter((r) => r.method === "PATCH").length;
    const before = patches();
    const text = `update ${sim.demo.groupId} ${sim.demo.peers.aws.peerId} routeTableCidrBlock=10.62.0.0/21`;
    const command = slashCommand({ text, team_id: VIEWER_TEAM, response_url: "https://hooks.slack.com/x" });
    const slack = await postSlack(local.gatewayUrl, transcript, { secret: SLACK_SECRET, body: command });
    expect(slack.body.text).toMatch(/read-only \(access: "read"\)/);
    const peering = awsPeering(sim, "10.62.0.0/21");
    const put = await transcript.fetch(`${local.gatewayUrl}/__local/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        viewerEvent({ groupId: sim.demo.groupId, peerId: sim.demo.peers.aws.peerId, peering }),
      ),
    });
    expect(put.status).toBe(422);
    expect(put.body.reason).toMatch(readOnly);
    expect(patches()).toBe(before);
  });
});

describe("the audit trail of reads", () => {
  it("holds one record per read, stored and read back from DynamoDB: who, route, ids and Atlas's status, no body", async () => {
    const trail = await gateway(`/v1/audit?groupId=${sim.demo.groupId}&limit=100`, TOKENS.viewer);
    expect(trail.status).toBe(200);
    const reads = (trail.body.items as AuditRecord[]).filter((r) => r.outcome === "read");
    expect(reads).toContainEqual(
      expect.objectContaining({
        channel: "http",
        callerId: "narrow",
        peerId: sim.demo.peers.azure.peerId,
        detail: "GET /api/atlas/v2/groups/{groupId}/peers/{peerId}",
        atlas: { httpStatus: 200 },
      }),
    );
    expect(reads).toContainEqual(
      expect.objectContaining({ callerId: "ops", detail: "GET /api/atlas/v1.0/groups/{groupId}/peers" }),
    );
    // Eight reads reached Atlas: two GETs and two lists by ops, two lists and a GET by narrow, a GET by the
    // viewer. The refused ones (400, 403) are audited as refusals, not as reads.
    expect(reads).toHaveLength(8);
    expect(JSON.stringify(reads)).not.toContain(sim.demo.peers.aws.vpcId);
    for (const secret of [DEMO_PRIVATE_KEY, ...Object.values(TOKENS)]) {
      expect(transcript.texts.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
