import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SLACK_TEAM } from "../../local/callersFile.js";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { documentValidator, type Json, openApi, responseSchemaPointer } from "../helpers/openapi.js";
import {
  awsPeering,
  changeApi,
  postSlack,
  slashCommand,
  stackOptions,
  startFastSimulator,
  Transcript,
} from "./support/gatewayE2e.js";

/**
 * The document against the gateway itself, over real sockets: it is served without credentials, and real answers
 * (not hand-written samples) validate against the schemas it documents, so a response schema cannot drift from
 * the code that writes the answer.
 */
const TOKEN = "e2e-token-openapi-0001";
const document = openApi();
const validate = documentValidator(document);
let sim: AtlasSimulator;
let local: LocalStack;
const transcript = new Transcript();
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  sim = await startFastSimulator();
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
});

type Answer = Awaited<ReturnType<Transcript["fetch"]>>;

/** Asserts the answer is documented for `operation` (status, media type) and its body fits the schema. */
function expectDocumented(operation: string, answer: Answer) {
  const contentType = answer.headers.get("content-type") ?? "";
  const pointer = responseSchemaPointer(document, operation, answer.status, contentType);
  expect([operation, answer.status, validate(pointer, answer.body)]).toEqual([operation, answer.status, []]);
  expect(answer.headers.get("x-request-id")).toBeTruthy();
}

function call(path: string, init: RequestInit = {}) {
  return transcript.fetch(`${local.gatewayUrl}${path}`, {
    ...init,
    headers: { ...auth, ...(init.headers as Record<string, string>) },
  });
}

describe("GET /v1/openapi.json", () => {
  it("answers the committed document to a caller without credentials, with cache headers", async () => {
    const answer = await transcript.fetch(`${local.gatewayUrl}/v1/openapi.json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("cache-control")).toBe("public, max-age=300");
    expect(answer.body).toEqual(document);
    const etag = answer.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await transcript.fetch(`${local.gatewayUrl}/v1/openapi.json`, {
      headers: { "if-none-match": etag },
    });
    expect([again.status, again.text]).toEqual([304, ""]);
  });

  it("is the only route without credentials: another method on it still needs them", async () => {
    const answer = await transcript.fetch(`${local.gatewayUrl}/v1/openapi.json`, { method: "POST" });
    expect(answer.status).toBe(401);
    const signedIn = await call("/v1/openapi.json", { method: "DELETE" });
    expect(signedIn.status).toBe(405);
  });
});

describe("real answers validate against the documented response schemas", () => {
  const api = () => changeApi(local.gatewayUrl, TOKEN, transcript);
  const change = (cidr: string, extra: object = {}) => ({
    groupId: sim.demo.groupId,
    peerId: sim.demo.peers.aws.peerId,
    peering: awsPeering(sim, cidr),
    ...extra,
  });

  it("a dry run, a submit, the change as it moves and once settled, and the list", async () => {
    const dryRun = await api().submit(change("10.7.0.0/24", { dryRun: true }));
    expect(dryRun.body.dryRun).toBe(true);
    expectDocumented("POST /v1/peering-changes", dryRun);

    const submitted = await api().submit(change("10.7.0.0/24", { reason: "openapi e2e" }));
    expect(submitted.status).toBe(202);
    expectDocumented("POST /v1/peering-changes", submitted);

    const id = submitted.body.id as string;
    expectDocumented("GET /v1/peering-changes/{id}", await call(`/v1/peering-changes/${id}`));
    await api().settled(id);
    const settled = await call(`/v1/peering-changes/${id}`);
    expect(settled.body.history.length).toBeGreaterThan(1);
    expectDocumented("GET /v1/peering-changes/{id}", settled);

    const list = await call(`/v1/peering-changes?groupId=${sim.demo.groupId}&limit=1`);
    expect(list.body.items).toHaveLength(1);
    expectDocumented("GET /v1/peering-changes", list);

    const ended = await call(`/v1/peering-changes/${id}`, { method: "DELETE" });
    expect(ended.status).toBe(409);
    expectDocumented("DELETE /v1/peering-changes/{id}", ended);
  });

  it("the audit trail", async () => {
    const audit = await call(`/v1/audit?groupId=${sim.demo.groupId}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expectDocumented("GET /v1/audit", audit);
  });

  it("a 400 problem naming every bad field, and a 401", async () => {
    const bad = await api().submit({ groupId: "nope", peerId: sim.demo.peers.aws.peerId, peering: {} });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(bad.body.errors.length).toBeGreaterThan(1);
    expectDocumented("POST /v1/peering-changes", bad);
    const anonymous = await transcript.fetch(`${local.gatewayUrl}/v1/audit?groupId=${sim.demo.groupId}`);
    expect(anonymous.status).toBe(401);
    expectDocumented("GET /v1/audit", anonymous);
  });

  it("the Atlas drop-in: Atlas's peer and list as they come, and an Atlas-shaped problem", async () => {
    const { groupId, peers } = sim.demo;
    const peerPath = `/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`;
    const peer = await call(peerPath);
    expect(peer.status).toBe(200);
    expectDocumented("GET /api/atlas/v2/groups/{groupId}/peers/{peerId}", peer);
    const missing = await call(`/api/atlas/v2/groups/${groupId}/peers/${"f".repeat(24)}`);
    expect([missing.status, missing.body.errorCode]).toEqual([404, expect.any(String)]);
    expectDocumented("GET /api/atlas/v2/groups/{groupId}/peers/{peerId}", missing);
    const list = await call(`/api/atlas/v1.0/groups/${groupId}/peers?providerName=AWS`);
    expectDocumented("GET /api/atlas/v1.0/groups/{groupId}/peers", list);
    const refused = await call(peerPath, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ containerId: "x", statusName: "AVAILABLE" }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errorCode).toBeTypeOf("string");
    expectDocumented("PATCH /api/atlas/v2/groups/{groupId}/peers/{peerId}", refused);
  });

  it("the Slack command's answer", async () => {
    const body = slashCommand({
      text: "help",
      team_id: LOCAL_SLACK_TEAM,
      response_url: "http://127.0.0.1:9/unused",
    });
    const answer = await postSlack(local.gatewayUrl, transcript, { secret: local.slackSigningSecret, body });
    expect(answer.status).toBe(200);
    expectDocumented("POST /v1/slack/commands", answer);
  });

  it("a validator that would catch a drift: a field the schema does not know fails", async () => {
    const { groupId } = sim.demo;
    const list = await call(`/v1/peering-changes?groupId=${groupId}&limit=1`);
    const drifted: Json = { ...list.body, items: [{ ...list.body.items[0], storageVersion: 3 }] };
    const pointer = responseSchemaPointer(document, "GET /v1/peering-changes", 200, "application/json");
    expect(validate(pointer, drifted).join()).toContain("must NOT have additional properties");
    expect(transcript.texts.join("\n")).not.toContain(TOKEN);
  });
});
