import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArtefactStack, OTHER_PROJECT_TOKEN, startArtefactStack } from "./support/artefactStack.js";
import { awsPeering, call, patchesTo, signedHeaders, slackCommand } from "./support/requests.js";

/**
 * Every route of the packaged http function (unzipped alone, run by a bare Node with the template's
 * environment), through the production wiring: real SDK clients against the local stand-ins, digest auth
 * against the Atlas simulator. No invocation may throw out of the handler.
 */
let stack: ArtefactStack;

beforeAll(async () => {
  stack = await startArtefactStack();
});

afterAll(async () => {
  await stack?.close();
});

const V2 = "application/vnd.atlas.2023-01-01+json";

describe("the packaged http function", () => {
  it("forwards a drop-in v2 PATCH to Atlas with digest auth, records the change and schedules its re-check", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    const answer = await call(stack, "PATCH", `/api/atlas/v2/groups/${stack.groupId}/peers/${peerId}`, {
      body: awsPeering(stack, "10.41.0.0/21"),
      headers: { "content-type": V2, accept: V2 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: peerId, routeTableCidrBlock: "10.41.0.0/21" });
    expect(patchesTo(stack, peerId).map((p) => JSON.parse(p.body).routeTableCidrBlock)).toContain(
      "10.41.0.0/21",
    );
    const puts = stack.dynamo.calls.filter((c) => c.action === "PutItem");
    expect(puts.length).toBeGreaterThan(0);
    const schedule = stack.scheduler.created.at(-1) as { Target: Record<string, unknown>; GroupName: string };
    const env = stack.specs.find((s) => s.key === "http")?.environment ?? {};
    expect(schedule.GroupName).toBe(env.SCHEDULE_GROUP);
    expect(schedule.Target).toMatchObject({ Arn: env.RECHECK_FUNCTION_ARN, RoleArn: env.SCHEDULER_ROLE_ARN });
    expect(JSON.parse(String(schedule.Target.Input))).toEqual({ changeId: expect.any(String), attempt: 1 });
  });

  it("forwards a partial v1.0 PATCH", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    await waitUntilIdle(peerId);
    const answer = await call(stack, "PATCH", `/api/atlas/v1.0/groups/${stack.groupId}/peers/${peerId}`, {
      body: { providerName: "AWS", routeTableCidrBlock: "10.42.0.0/21" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ routeTableCidrBlock: "10.42.0.0/21" });
  });

  it("answers drop-in GETs of a peer and of the peer list as Atlas does", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    const one = await call(stack, "GET", `/api/atlas/v2/groups/${stack.groupId}/peers/${peerId}`, {
      headers: { accept: V2 },
    });
    expect(one.status).toBe(200);
    expect(one.headers.get("content-type")).toContain(V2);
    expect(one.body).toMatchObject({ id: peerId, providerName: "AWS" });
    const list = await call(stack, "GET", `/api/atlas/v1.0/groups/${stack.groupId}/peers?providerName=AWS`);
    expect(list.status).toBe(200);
    expect(list.body.results.map((p: { id: string }) => p.id)).toContain(peerId);
  });

  it("takes a change on POST, shows it, lists it, cancels another and audits them", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    await waitUntilIdle(peerId);
    const body = {
      groupId: stack.groupId,
      peerId,
      peering: awsPeering(stack, "10.43.0.0/21"),
      reason: "artefact",
    };
    const submitted = await call(stack, "POST", "/v1/peering-changes", { body });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    expect(submitted.headers.get("location")).toBe(`/v1/peering-changes/${id}`);
    const shown = await call(stack, "GET", `/v1/peering-changes/${id}`);
    expect(shown.body).toMatchObject({ id, groupId: stack.groupId, peerId, reason: "artefact" });
    const listed = await call(stack, "GET", `/v1/peering-changes?groupId=${stack.groupId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const cancelled = await call(stack, "DELETE", `/v1/peering-changes/${id}`);
    expect([200, 409]).toContain(cancelled.status);
    const audit = await call(stack, "GET", `/v1/audit?groupId=${stack.groupId}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
  });

  it("accepts a signed request once and refuses its replay", async () => {
    const path = "/v1/peering-changes";
    const { peerId } = stack.sim.demo.peers.aws;
    const raw = JSON.stringify({
      groupId: stack.groupId,
      peerId,
      peering: awsPeering(stack, "10.44.0.0/21"),
      dryRun: true,
    });
    const headers = signedHeaders("POST", path, raw, String(Math.floor(Date.now() / 1000)));
    const first = await call(stack, "POST", path, { token: null, body: raw, headers });
    expect(first.status).toBe(200);
    const replay = await call(stack, "POST", path, { token: null, body: raw, headers });
    expect(replay.status).toBe(401);
    expect(replay.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("refuses without credentials (401), outside the grants (403) and a bad body (400) as problems", async () => {
    const { peerId } = stack.sim.demo.peers.aws;
    const path = `/api/atlas/v2/groups/${stack.groupId}/peers/${peerId}`;
    const patchesBefore = patchesTo(stack, peerId).length;
    const anonymous = await call(stack, "PATCH", path, {
      token: null,
      body: awsPeering(stack, "10.45.0.0/21"),
    });
    expect(anonymous.status).toBe(401);
    const wrongToken = await call(stack, "PATCH", path, {
      token: "nope",
      body: awsPeering(stack, "10.45.0.0/21"),
    });
    expect(wrongToken.status).toBe(401);
    const outside = await call(stack, "PATCH", path, {
      token: OTHER_PROJECT_TOKEN,
      body: awsPeering(stack, "10.45.0.0/21"),
    });
    expect(outside.status).toBe(403);
    const invalid = await call(stack, "PATCH", path, {
      body: { ...awsPeering(stack, "10.45.0.0/99"), vpcId: "nope" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain("routeTableCidrBlock");
    expect(invalid.text).toContain("vpcId");
    // Drop-in route errors are Atlas-shaped JSON (`errorCode` beside the problem members), as an SDK decodes them.
    for (const answer of [anonymous, wrongToken, outside, invalid]) {
      expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
      expect(JSON.parse(answer.text)).toHaveProperty("errorCode");
      expect(answer.headers.get("x-request-id")).toBeTruthy();
    }
    expect(patchesTo(stack, peerId).length).toBe(patchesBefore);
  });

  it("answers a signed Slack command within the request and replies to response_url outside it", async () => {
    const help = await slackCommand(stack, "help");
    expect(help.status).toBe(200);
    expect(help.body.response_type).toBe("ephemeral");
    const { peerId } = stack.sim.demo.peers.aws;
    const status = await slackCommand(stack, `status ${stack.groupId} ${peerId}`);
    expect(status.status).toBe(200);
  });

  it("never let an error escape the handler", () => {
    const thrown = stack.invocations.filter((i) => i.outcome.error);
    expect(thrown.map((i) => i.outcome.error)).toEqual([]);
  });
});

/** Waits until no change of this peer is in flight, so the next one is not refused with 409. */
async function waitUntilIdle(peerId: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const list = await call(stack, "GET", `/v1/peering-changes?groupId=${stack.groupId}`);
    const busy = (list.body?.items ?? []).filter(
      (c: { peerId: string; state: string }) =>
        c.peerId === peerId &&
        !["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"].includes(c.state),
    );
    if (busy.length === 0) return;
    for (const change of busy) await settleByRechecks(change.id);
  }
}

/** Drives the packaged recheck function with each schedule's exact Input, as Scheduler would. */
async function settleByRechecks(changeId: string): Promise<void> {
  for (const schedule of [...stack.scheduler.schedules.values()]) {
    const input = JSON.parse(schedule.input.Target?.Input ?? "{}");
    if (input.changeId === changeId) await stack.scheduler.fire(schedule.name, schedule.groupName);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
