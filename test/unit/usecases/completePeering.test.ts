import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { describeProblem } from "../../../src/channels/common/problem.js";
import { RequestValidationError } from "../../../src/domain/validation.js";
import { AtlasUnavailableError } from "../../../src/ports/AtlasPeeringApi.js";
import { admitChange, type ChangeAdmission } from "../../../src/usecases/admitChange.js";
import {
  completePeering,
  PeerNotFoundError,
  PeerUnreadableError,
} from "../../../src/usecases/completePeering.js";
import { IdempotencyKeyReusedError } from "../../../src/usecases/errors.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const FAR = Number.MAX_SAFE_INTEGER;
const CONTAINER = "5e57d85c854180642f7844bf";
/** The peer as Atlas answers GET: writable fields, read-only ones, and the null region of a same-region VPC. */
const PEER = {
  id: PEER_1,
  providerName: "AWS",
  containerId: CONTAINER,
  accepterRegionName: null,
  awsAccountId: "123456789012",
  vpcId: "vpc-0123456789abcdef0",
  routeTableCidrBlock: "10.8.0.0/21",
  connectionId: "pcx-0a1b2c3d4e5f60718",
  statusName: "AVAILABLE",
  errorStateName: null,
};
const WHOLE = {
  providerName: "AWS",
  awsAccountId: "123456789012",
  containerId: CONTAINER,
  routeTableCidrBlock: "10.13.0.0/21",
  vpcId: "vpc-0123456789abcdef0",
};
const call = { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2" as const, query: {} };

function withPeer(status: number, body: unknown) {
  const atlas = new FakeAtlas({ status: 200, body: JSON.stringify({ ...PEER, statusName: "INITIATING" }) });
  atlas.current = { status, body: JSON.stringify(body) };
  return { atlas, ...fakeChangeDeps({ atlas }) };
}

function complete(asked: Record<string, unknown>, deps: ReturnType<typeof withPeer>["deps"]) {
  const request = { callerId: "ci-pipeline", channel: "http" as const, requestId: "req-1", call, asked };
  return completePeering({ ...request, pathPrefix: "peering" }, deps, FAR);
}

describe("completing a partial peering from the peer", () => {
  it("fills in every writable field the caller left out, once, and keeps what it gave", async () => {
    const { atlas, deps } = withPeer(200, PEER);
    const completion = await complete({ routeTableCidrBlock: "10.13.0.0/21" }, deps);
    expect(completion).toEqual({ ok: true, merged: WHOLE, provider: "AWS", current: PEER });
    // Read-only fields and the null region are not filled in; the PATCH is for the caller's change to send.
    expect(Object.keys(completion.ok ? completion.merged : {})).toEqual(Object.keys(WHOLE));
    expect(atlas.calls.map((c) => c.method)).toEqual(["GET"]);
  });

  it("refuses a misspelt field by name instead of dropping it", async () => {
    const { deps } = withPeer(200, PEER);
    const completion = await complete({ routeTableCidrBlok: "10.13.0.0/21" }, deps);
    expect(completion.ok).toBe(false);
    const refusal = completion.ok ? undefined : completion.refusal;
    expect(refusal).toBeInstanceOf(RequestValidationError);
    expect((refusal as RequestValidationError).errors.map((e) => e.path)).toEqual([
      "peering.routeTableCidrBlok",
    ]);
  });

  it("refuses a providerName other than the peer's alone, saying Atlas would answer 404", async () => {
    const { atlas, deps } = withPeer(200, PEER);
    const completion = await complete({ providerName: "GCP", networkName: "prod" }, deps);
    const refusal = completion.ok ? undefined : (completion.refusal as RequestValidationError);
    expect(refusal?.errors).toEqual([
      { path: "peering.providerName", message: expect.stringMatching(/^is GCP, but peer .* an AWS peering/) },
    ]);
    expect(refusal?.errors[0]?.message).toContain("404 PEER_NOT_FOUND");
    expect(describeProblem(refusal).status).toBe(400);
    expect(atlas.calls.filter((c) => c.method === "PATCH")).toEqual([]);
  });

  it("says which violation is about a value the peer supplied, not one the caller sent", async () => {
    const { deps } = withPeer(200, { ...PEER, vpcId: "not-a-vpc" });
    const completion = await complete({ routeTableCidrBlock: "10.13.0.0/21" }, deps);
    const errors = completion.ok ? [] : (completion.refusal as RequestValidationError).errors;
    expect(errors.map((e) => e.path)).toEqual(["peering.vpcId"]);
    expect(errors[0]?.message).toMatch(/\(filled in from the peer as Atlas holds it\)$/);
  });

  it("answers a peer Atlas does not have with a 404 naming the peer, audited, nothing sent", async () => {
    const detail = `No peer with ID ${PEER_1} exists in project ${GROUP_A}.`;
    const { atlas, deps, audit } = withPeer(404, { error: 404, errorCode: "PEER_NOT_FOUND", detail });
    const completion = await complete({ routeTableCidrBlock: "10.13.0.0/21" }, deps);
    const refusal = completion.ok ? undefined : completion.refusal;
    expect(refusal).toBeInstanceOf(PeerNotFoundError);
    const problem = describeProblem(refusal);
    expect(problem).toMatchObject({ status: 404, slug: "peer-not-found" });
    expect(problem.detail).toContain(`no peer ${PEER_1} in project ${GROUP_A} (404 PEER_NOT_FOUND`);
    expect(problem.detail).toMatch(/Nothing was sent\.$/);
    expect(audit.records).toMatchObject([
      { outcome: "refused", reason: "peer-not-found", callerId: "ci-pipeline", peerId: PEER_1 },
    ]);
    expect(atlas.calls.map((c) => c.method)).toEqual(["GET"]);
  });

  it.each([
    [
      "answers 503",
      (atlas: FakeAtlas) => (atlas.current = { status: 503, body: "{}" }),
      /Atlas answered 503/,
    ],
    [
      "cannot be reached",
      (atlas: FakeAtlas) => {
        atlas.getPeer = async () =>
          Promise.reject(new AtlasUnavailableError("Atlas could not be reached", undefined, 3));
      },
      /Atlas could not be reached/,
    ],
  ])(
    "answers a peer that cannot be read (Atlas %s) with a 503 that says nothing was sent",
    async (_l, fault, why) => {
      const { atlas, deps, audit } = withPeer(200, PEER);
      fault(atlas);
      const completion = await complete({ routeTableCidrBlock: "10.13.0.0/21" }, deps);
      const refusal = completion.ok ? undefined : completion.refusal;
      expect(refusal).toBeInstanceOf(PeerUnreadableError);
      const problem = describeProblem(refusal);
      expect(problem).toMatchObject({ status: 503, slug: "peer-unreadable" });
      expect(problem.detail).toMatch(why);
      expect(problem.detail).toContain("Nothing was sent");
      expect(audit.records).toMatchObject([{ outcome: "refused", reason: "peer-unreadable" }]);
      expect(atlas.calls.filter((c) => c.method === "PATCH")).toEqual([]);
    },
  );
});

describe("submitting a partial change", () => {
  const caller = testRegistry().callers[0] as Caller;
  const partial: ChangeAdmission = {
    caller,
    channel: "http",
    groupId: GROUP_A,
    peerId: PEER_1,
    apiVersion: "v2",
    query: {},
    provider: "AWS",
    body: '{"routeTableCidrBlock":"10.13.0.0/21"}',
    requestId: "req-1",
    idempotencyKey: "deploy-43",
    partial: { pathPrefix: "peering" },
  };

  it("records and sends the completed whole, reading the peer once", async () => {
    const { atlas, deps } = withPeer(200, PEER);
    const outcome = await admitChange(partial, deps, FAR);
    expect(outcome.kind).toBe("created");
    expect(JSON.parse(outcome.change.desired)).toEqual(WHOLE);
    expect(outcome.change.provider).toBe("AWS");
    const patch = atlas.calls.find((c) => c.method === "PATCH");
    expect(JSON.parse(patch?.body ?? "{}")).toEqual(WHOLE);
    expect(atlas.calls.slice(0, 2).map((c) => c.method)).toEqual(["GET", "PATCH"]);
  });

  it("replays the same partial request under its key without reading the peer, refuses another", async () => {
    const { atlas, deps } = withPeer(200, PEER);
    const first = await admitChange(partial, deps, FAR);
    const calls = atlas.calls.length;
    // The peer has changed meanwhile (it holds the new CIDR): the key is bound to what the caller sent.
    atlas.current = { status: 200, body: JSON.stringify({ ...PEER, routeTableCidrBlock: "10.13.0.0/21" }) };
    const again = await admitChange(partial, deps, FAR);
    expect(again).toMatchObject({ kind: "replayed", change: { id: first.change.id } });
    expect(atlas.calls.length).toBe(calls);
    const other = { ...partial, body: '{"routeTableCidrBlock":"10.14.0.0/21"}' };
    await expect(admitChange(other, deps, FAR)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it("refuses a merged body that breaks a rule before anything is recorded or sent", async () => {
    const { atlas, deps, store } = withPeer(200, { ...PEER, providerName: "GCP" });
    const error = await admitChange(partial, deps, FAR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).errors.map((e) => e.path)).toContain(
      "peering.routeTableCidrBlock",
    );
    expect(store.changes.size).toBe(0);
    expect(atlas.calls.map((c) => c.method)).toEqual(["GET"]);
  });
});
