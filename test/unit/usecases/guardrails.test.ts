import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import {
  OverlappingAtlasCidrBlockError,
  OverlappingCidrBlockError,
  PolicyRefusedError,
} from "../../../src/domain/policy/errors.js";
import type { ProjectPolicy } from "../../../src/domain/policy/projectPolicy.js";
import { PolicyUnavailableError, type ProjectPolicySource } from "../../../src/ports/ProjectPolicySource.js";
import { admitChange, type ChangeAdmission } from "../../../src/usecases/admitChange.js";
import { GROUP_A, PEER_1, PEER_2, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const CONTAINER = "5f1e2d3c4b5a69788796a5d1";
const current = {
  id: PEER_1,
  providerName: "AWS",
  containerId: CONTAINER,
  awsAccountId: "123456789012",
  vpcId: "vpc-0123456789abcdef0",
  routeTableCidrBlock: "10.8.0.0/21",
  accepterRegionName: "us-east-1",
  statusName: "AVAILABLE",
};
const writable = {
  containerId: CONTAINER,
  awsAccountId: "123456789012",
  vpcId: "vpc-0123456789abcdef0",
  routeTableCidrBlock: "10.8.0.0/21",
  accepterRegionName: "us-east-1",
};
const caller = testRegistry().callers[0] as Caller;
const FAR = Number.MAX_SAFE_INTEGER;
const POLICY: ProjectPolicy = {
  projects: { [GROUP_A]: { aws: { accountIds: ["123456789012"], cidrs: ["10.0.0.0/8"] } } },
};

function admission(peering: Record<string, unknown>, extra: Partial<ChangeAdmission> = {}): ChangeAdmission {
  return {
    caller,
    channel: "http",
    groupId: GROUP_A,
    peerId: PEER_1,
    apiVersion: "v2",
    query: {},
    provider: "AWS",
    body: JSON.stringify(peering),
    requestId: "req-1",
    bodyPath: "peering",
    ...extra,
  };
}

function setUp(policy: ProjectPolicy | undefined | (() => Promise<ProjectPolicy>)) {
  const atlas = new FakeAtlas({ status: 200, body: '{"statusName":"INITIATING"}' });
  atlas.current = { status: 200, body: JSON.stringify(current) };
  atlas.list = {
    status: 200,
    body: JSON.stringify({
      results: [current, { id: PEER_2, providerName: "AWS", routeTableCidrBlock: "10.64.0.0/24" }],
      totalCount: 2,
    }),
  };
  atlas.container = {
    status: 200,
    body: JSON.stringify({ id: CONTAINER, atlasCidrBlock: "192.168.248.0/21" }),
  };
  const source: ProjectPolicySource = { policy: typeof policy === "function" ? policy : async () => policy };
  const parts = fakeChangeDeps({ atlas, policy: source });
  const patches = () => atlas.calls.filter((c) => c.method === "PATCH").length;
  const extraReads = () => atlas.listCalls.length + atlas.containerCalls.length;
  return { ...parts, atlas, patches, extraReads };
}

describe("the project policy, before anything is sent", () => {
  it("refuses a CIDR outside the allowed ones with 422, naming the rule, audited, with no read and no PATCH", async () => {
    const { deps, audit, store, patches, atlas } = setUp(POLICY);
    const error = await admitChange(
      admission({ ...writable, routeTableCidrBlock: "192.168.10.0/24" }),
      deps,
      FAR,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyRefusedError);
    expect((error as Error).message).toContain(
      `peering.routeTableCidrBlock: 192.168.10.0/24 is outside the project's allowed CIDRs (policy projects.${GROUP_A}.aws.cidrs: 10.0.0.0/8)`,
    );
    expect(patches()).toBe(0);
    expect(atlas.calls).toEqual([]);
    expect(store.changes.size).toBe(0);
    expect(audit.records).toEqual([
      expect.objectContaining({ outcome: "refused", reason: "policy", groupId: GROUP_A, peerId: PEER_1 }),
    ]);
  });

  it("refuses another AWS account, and the drop-in's PATCH too (plan: false)", async () => {
    const { deps, patches } = setUp(POLICY);
    const { bodyPath: _onlyTheOwnRoute, ...dropIn } = admission({
      ...writable,
      awsAccountId: "210987654321",
    });
    const other = { ...dropIn, plan: false };
    const error = await admitChange(other, deps, FAR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyRefusedError);
    expect((error as PolicyRefusedError).errors).toEqual([
      {
        path: "awsAccountId",
        message: `210987654321 is not one of the project's allowed AWS accounts (policy projects.${GROUP_A}.aws.accountIds: 123456789012)`,
      },
    ]);
    expect(patches()).toBe(0);
  });

  it("allows anything without a policy, as before", async () => {
    const { deps, patches } = setUp(undefined);
    await admitChange(admission({ ...writable, awsAccountId: "210987654321" }), deps, FAR);
    expect(patches()).toBe(1);
  });

  it("refuses to admit anything when the policy cannot be loaded: the gateway's failure, not the caller's", async () => {
    const { deps, patches } = setUp(async () => {
      throw new PolicyUnavailableError("malformed", "projects.*.aws.cidr: unknown key");
    });
    const error = await admitChange(admission(writable), deps, FAR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyUnavailableError);
    expect((error as PolicyUnavailableError).kind).toBe("misconfigured");
    expect(patches()).toBe(0);
  });
});

describe("the overlap check", () => {
  it("costs nothing when the CIDR does not change (a no-op or another field)", async () => {
    const { deps, extraReads, patches } = setUp(POLICY);
    await admitChange(admission({ ...writable, vpcId: "vpc-0fedcba9876543210" }), deps, FAR);
    expect(extraReads()).toBe(0);
    expect(patches()).toBe(1);
  });

  it("reads the AWS peers and the container once each when the CIDR changes, then sends", async () => {
    const { deps, atlas, extraReads, patches } = setUp(POLICY);
    const outcome = await admitChange(
      admission({ ...writable, routeTableCidrBlock: "10.13.0.0/21" }),
      deps,
      FAR,
    );
    expect(extraReads()).toBe(2);
    expect(atlas.listCalls.map((c) => c.call.query)).toEqual([
      { providerName: "AWS", itemsPerPage: 500, pageNum: 1 },
    ]);
    expect(atlas.containerCalls).toEqual([{ groupId: GROUP_A, containerId: CONTAINER, apiVersion: "v2" }]);
    expect(patches()).toBe(1);
    expect(outcome.kind === "created" && outcome.plan.warnings).toEqual([]);
  });

  it("refuses a CIDR overlapping another peer's with 409 OVERLAPPING_CIDR_BLOCK, audited, never sent", async () => {
    const { deps, audit, patches } = setUp(POLICY);
    const error = await admitChange(
      admission({ ...writable, routeTableCidrBlock: "10.64.0.0/16" }),
      deps,
      FAR,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverlappingCidrBlockError);
    expect((error as Error).message).toContain(
      `peering.routeTableCidrBlock: 10.64.0.0/16 overlaps peer ${PEER_2}'s 10.64.0.0/24`,
    );
    expect(patches()).toBe(0);
    expect(audit.records.at(-1)).toMatchObject({ outcome: "refused", reason: "overlap", before: current });
  });

  it("refuses a CIDR overlapping the Atlas container's with OVERLAPPING_ATLAS_CIDR_BLOCK", async () => {
    const { deps, patches } = setUp(undefined);
    const body = { ...writable, routeTableCidrBlock: "192.168.248.0/24" };
    const error = await admitChange(admission(body), deps, FAR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverlappingAtlasCidrBlockError);
    expect(patches()).toBe(0);
  });

  it("lets an overlap through when the policy allows it, without reading anything more", async () => {
    const { deps, patches, extraReads } = setUp({ projects: { "*": { allowOverlap: true } } });
    await admitChange(admission({ ...writable, routeTableCidrBlock: "10.64.0.0/16" }), deps, FAR);
    expect(extraReads()).toBe(0);
    expect(patches()).toBe(1);
  });

  it("does not block the change when Atlas cannot answer the reads, and says so in the warnings", async () => {
    const { deps, atlas, patches } = setUp(POLICY);
    atlas.list = { status: 503, body: '{"error":503}' };
    atlas.container = async () => {
      throw new Error("socket hang up");
    };
    const outcome = await admitChange(
      admission({ ...writable, routeTableCidrBlock: "10.64.0.0/16" }),
      deps,
      FAR,
    );
    expect(patches()).toBe(1);
    const warnings = outcome.kind === "created" ? outcome.plan.warnings : [];
    expect(warnings).toEqual([
      "routeTableCidrBlock was not checked for overlaps: the project's AWS peers could not be listed (Atlas answered 503); Atlas will judge the PATCH",
      `routeTableCidrBlock was not checked for overlaps: the Atlas container ${CONTAINER} could not be read (socket hang up); Atlas will judge the PATCH`,
    ]);
  });
});
