import { describe, expect, it } from "vitest";
import { ContainerStore } from "../../../local/simulator/containers.js";
import { DEMO_OTHER_ACCOUNT_PEER, demoProject } from "../../../local/simulator/demo.js";
import { PeerStore } from "../../../local/simulator/peers.js";
import {
  ATLAS_AWS_ACCOUNT_ID,
  announcer,
  type PendingAwsPeering,
} from "../../../local/simulator/pendingAcceptance.js";

const STEP = 100;

/** A store of the demo project with the peer in another account, its clock in `clock.now`. */
function storeWith(autoAccept: boolean, listener: (peering: PendingAwsPeering) => void) {
  const clock = { now: 0 };
  const store = new PeerStore({ now: () => clock.now, stepMs: STEP, autoAccept }, demoProject(0, true));
  store.onPendingAcceptance = announcer(listener, new ContainerStore());
  const peer = store.byId(DEMO_OTHER_ACCOUNT_PEER.peerId);
  if (!peer) throw new Error("expected the peer in another account");
  return { clock, store, peer };
}

describe("the simulator's announcement of a pending AWS peering request", () => {
  it("tells once, at the first read showing PENDING_ACCEPTANCE, the peer's VPC and Atlas's", () => {
    const seen: PendingAwsPeering[] = [];
    const { clock, store, peer } = storeWith(false, (peering) => seen.push(peering));
    store.applyPatch(peer, { routeTableCidrBlock: "10.13.0.0/21", accepterRegionName: "US_EAST_1" });
    expect(store.connectionId(peer)).toBeNull();
    expect(seen).toEqual([]);

    clock.now = STEP;
    const pcx = store.connectionId(peer);
    expect(pcx).toMatch(/^pcx-[0-9a-f]{17}$/);
    clock.now = 10 * STEP;
    expect(store.connectionId(peer)).toBe(pcx);
    expect(seen).toEqual([
      {
        groupId: peer.groupId,
        peerId: peer.id,
        connectionId: pcx,
        accepter: {
          accountId: DEMO_OTHER_ACCOUNT_PEER.awsAccountId,
          vpcId: DEMO_OTHER_ACCOUNT_PEER.vpcId,
          region: "us-east-1",
          cidr: "10.13.0.0/21",
        },
        atlas: {
          accountId: ATLAS_AWS_ACCOUNT_ID,
          vpcId: "vpc-05f1e2d3c4b5a6978",
          region: "us-east-1",
          cidr: "192.168.248.0/21",
        },
      },
    ]);

    // A new PATCH is a new request: told again, with its own pcx.
    store.applyPatch(peer, { routeTableCidrBlock: "10.14.0.0/21" });
    clock.now += STEP;
    const next = store.connectionId(peer);
    expect(next).not.toBe(pcx);
    expect(seen.map((p) => p.connectionId)).toEqual([pcx, next]);
  });

  it("says nothing of a request first read past PENDING_ACCEPTANCE, and shrugs off a listener that throws", () => {
    const seen: string[] = [];
    const passed = storeWith(true, (peering) => seen.push(peering.connectionId));
    passed.store.applyPatch(passed.peer, { routeTableCidrBlock: "10.13.0.0/21" });
    passed.clock.now = 2 * STEP;
    expect(passed.store.status(passed.peer)).toBe("FINALIZING");
    expect(passed.store.connectionId(passed.peer)).toMatch(/^pcx-/);
    expect(seen).toEqual([]);

    const failing = storeWith(false, () => {
      throw new Error("the emulator is gone");
    });
    failing.store.applyPatch(failing.peer, { routeTableCidrBlock: "10.13.0.0/21" });
    failing.clock.now = STEP;
    expect(failing.store.connectionId(failing.peer)).toMatch(/^pcx-/);
  });
});
