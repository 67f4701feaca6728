import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  coversMongoPorts,
  decideAccept,
  type ObservedRouteTable,
  type PeerSideObservation,
  planIsSettled,
  planPeerSide,
} from "../../../../src/domain/accepter/plan.js";
import type { PeerSideRequest } from "../../../../src/domain/accepter/request.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const PCX = "pcx-0a1b2c3d4e5f60718";
const CIDR = "192.168.248.0/21";
const request: PeerSideRequest = {
  changeId: "chg_1",
  accountId: "111122223333",
  pcxId: PCX,
  region: "us-east-1",
  vpcId: "vpc-0123456789abcdef0",
  atlasCidrBlock: CIDR,
  account: {
    roleArn: "arn:aws:iam::111122223333:role/a",
    externalId: "x1",
    accept: true,
    routeTableIds: "all",
    dnsResolution: true,
    securityGroupIds: ["sg-0123456789abcdef0"],
  },
};
const pending = {
  id: PCX,
  status: "pending-acceptance",
  accepterOwnerId: "111122223333",
  accepterVpcId: "vpc-0123456789abcdef0",
  expirationTime: new Date(NOW.getTime() + 3600_000),
};
const table = (id: string, ...routes: ObservedRouteTable["routes"]) => ({ id, routes });
const observed = (patch: Partial<PeerSideObservation> = {}): PeerSideObservation => ({
  peering: pending,
  routeTables: [],
  securityGroups: [{ id: "sg-0123456789abcdef0", ingress: [] }],
  ...patch,
});

describe("decideAccept", () => {
  it("accepts a pending request of the account's VPC before it expires", () => {
    expect(decideAccept(request, pending, NOW)).toEqual({ kind: "accept" });
  });

  it("treats provisioning and active as already accepted", () => {
    for (const status of ["provisioning", "active"]) {
      expect(decideAccept(request, { ...pending, status }, NOW)).toEqual({
        kind: "already-accepted",
        status,
      });
    }
  });

  it("says why not: expired (by status or by its expiry time), rejected, failed, deleted, not found", () => {
    const expiredByTime = { ...pending, expirationTime: new Date(NOW.getTime()) };
    expect(decideAccept(request, expiredByTime, NOW)).toMatchObject({ kind: "cannot", reason: "expired" });
    for (const status of ["expired", "rejected", "failed", "deleted"]) {
      expect(decideAccept(request, { ...pending, status }, NOW)).toMatchObject({ reason: status });
    }
    expect(decideAccept(request, undefined, NOW)).toEqual({ kind: "cannot", reason: "not-found" });
  });

  it("never accepts a request to another account or another VPC", () => {
    expect(decideAccept(request, { ...pending, accepterOwnerId: "444455556666" }, NOW)).toMatchObject({
      reason: "other-account",
    });
    expect(decideAccept(request, { ...pending, accepterVpcId: "vpc-0fffffffffffffff0" }, NOW)).toMatchObject({
      reason: "other-vpc",
    });
  });
});

describe("planPeerSide routes", () => {
  it("creates a missing route, replaces a blackhole or another target, keeps a live route to the peering", () => {
    const plan = planPeerSide(
      request,
      observed({
        routeTables: [
          table("rtb-00000001", { destinationCidrBlock: "10.8.0.0/21", target: "local", state: "active" }),
          table("rtb-00000002", {
            destinationCidrBlock: CIDR,
            vpcPeeringConnectionId: "pcx-0old00000000",
            state: "blackhole",
          }),
          table("rtb-00000003", { destinationCidrBlock: CIDR, target: "tgw-0123", state: "active" }),
          table("rtb-00000004", { destinationCidrBlock: CIDR, vpcPeeringConnectionId: PCX, state: "active" }),
        ],
      }),
      NOW,
    );
    expect(plan.routes).toEqual([
      { routeTableId: "rtb-00000001", action: "create" },
      { routeTableId: "rtb-00000002", action: "replace", replaces: "blackhole route to pcx-0old00000000" },
      { routeTableId: "rtb-00000003", action: "replace", replaces: "route to tgw-0123" },
      { routeTableId: "rtb-00000004", action: "keep" },
    ]);
  });

  it("reports a named route table the describe did not return as missing", () => {
    const named = { ...request, account: { ...request.account, routeTableIds: ["rtb-00000009"] } };
    expect(planPeerSide(named, observed(), NOW).routes).toEqual([
      { routeTableId: "rtb-00000009", action: "missing" },
    ]);
  });
});

describe("planPeerSide DNS and security groups", () => {
  it("enables DNS when asked and not yet on; leaves it when not asked", () => {
    expect(planPeerSide(request, observed(), NOW).dns).toBe("enable");
    const on = observed({ peering: { ...pending, status: "active", accepterDnsResolution: true } });
    expect(planPeerSide(request, on, NOW).dns).toBe("already-enabled");
    const notAsked = { ...request, account: { ...request.account, dnsResolution: false } };
    expect(planPeerSide(notAsked, observed(), NOW).dns).toBe("not-asked");
  });

  it("adds the rule unless one already covers 27015-27017 from Atlas's CIDR", () => {
    expect(planPeerSide(request, observed(), NOW).securityGroups).toEqual([
      { groupId: "sg-0123456789abcdef0", action: "add" },
    ]);
    const wide = observed({
      securityGroups: [
        {
          id: "sg-0123456789abcdef0",
          ingress: [{ ipProtocol: "tcp", fromPort: 27000, toPort: 28000, cidrs: [CIDR] }],
        },
      ],
    });
    expect(planPeerSide(request, wide, NOW).securityGroups[0]?.action).toBe("present");
    expect(planPeerSide(request, observed({ securityGroups: [] }), NOW).securityGroups[0]?.action).toBe(
      "missing",
    );
  });

  it("counts a rule as covering only when its ports and CIDR include the whole range", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.boolean(),
        (from, to, sameCidr) => {
          const rule = {
            ipProtocol: "tcp",
            fromPort: from,
            toPort: to,
            cidrs: [sameCidr ? CIDR : "10.0.0.0/8"],
          };
          expect(coversMongoPorts(rule, CIDR)).toBe(sameCidr && from <= 27015 && to >= 27017);
        },
      ),
    );
  });
});

/** Any route table, as a describe could return it: local routes, Atlas's CIDR to anything, blackholes. */
const anyRoute = fc.record(
  {
    destinationCidrBlock: fc.constantFrom(CIDR, "10.8.0.0/21", "0.0.0.0/0"),
    vpcPeeringConnectionId: fc.constantFrom(PCX, "pcx-0old00000000"),
    target: fc.constantFrom("local", "tgw-0123"),
    state: fc.constantFrom("active", "blackhole"),
  },
  { requiredKeys: ["destinationCidrBlock", "state"] },
);
const anyTables = fc.uniqueArray(
  fc.record({ id: fc.stringMatching(/^rtb-[0-9a-f]{8}$/), routes: fc.array(anyRoute, { maxLength: 4 }) }),
  { selector: (t) => t.id, maxLength: 5 },
);

describe("the plan, applied, settles", () => {
  it("after its writes (accepted, routes to the peering, DNS on, the rule) the plan has nothing left to do", () => {
    fc.assert(
      fc.property(anyTables, (tables) => {
        const plan = planPeerSide(request, observed({ routeTables: tables }), NOW);
        expect(planIsSettled(plan)).toBe(false);
        const applied = tables.map((t) => ({
          id: t.id,
          routes: [
            ...t.routes.filter((r) => r.destinationCidrBlock !== CIDR),
            { destinationCidrBlock: CIDR, vpcPeeringConnectionId: PCX, state: "active" },
          ],
        }));
        const after = observed({
          peering: { ...pending, status: "active", accepterDnsResolution: true },
          routeTables: applied,
          securityGroups: [
            {
              id: "sg-0123456789abcdef0",
              ingress: [{ ipProtocol: "tcp", fromPort: 27015, toPort: 27017, cidrs: [CIDR] }],
            },
          ],
        });
        expect(planIsSettled(planPeerSide(request, after, NOW))).toBe(true);
      }),
    );
  });
});
