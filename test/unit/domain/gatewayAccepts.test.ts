import { describe, expect, it } from "vitest";
import { parseAccepterAccounts } from "../../../src/domain/accepter/accounts.js";
import type { ChangeRecord, PeerSideSummary } from "../../../src/domain/change/ChangeRecord.js";
import { nextAction, nextActionCommands } from "../../../src/domain/change/nextAction.js";
import { notificationFor } from "../../../src/domain/change/notification.js";
import { markAccepterAccount } from "../../../src/domain/change/peerSide.js";
import { toView } from "../../../src/domain/change/view.js";

/**
 * Issue 14 follow-ups: a change waiting for acceptance in an account the gateway accepts in tells nobody to
 * accept, says what the gateway does (and what stops it), and a stop is announced once.
 */

const ACCOUNT = "123456789012";
const PCX = "pcx-0a1b2c3d4e5f60718";
const ATLAS_CIDR = "192.168.248.0/21";
const NOW = 1_764_331_200_000;
const REMEDIATION =
  "Let the gateway assume arn:aws:iam::123456789012:role/atlas-peering-accepter: fix its trust.";

const accounts = parseAccepterAccounts(
  {
    [ACCOUNT]: {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/atlas-peering-accepter`,
      externalId: "ext-7f3a9c",
      accept: true,
      routeTableIds: "all",
    },
  },
  "test",
);

/** An AWS change Atlas reports PENDING_ACCEPTANCE with its pcx, the container read: WAITING_FOR_USER. */
function waiting(extra: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id: "chg-1",
    version: 3,
    callerId: "ci",
    channel: "http",
    groupId: "5f1e2d3c4b5a69788796a5b1",
    peerId: "5f1e2d3c4b5a69788796a5c1",
    provider: "AWS",
    operation: "update",
    apiVersion: "v2",
    query: {},
    desired: JSON.stringify({ routeTableCidrBlock: "10.9.0.0/21" }),
    callbackUrl: "https://hooks.example.com/peering?token=s3cret",
    state: "WAITING_FOR_USER",
    atlas: {
      status: "PENDING_ACCEPTANCE",
      connectionId: PCX,
      peer: { awsAccountId: ACCOUNT, accepterRegionName: null, vpcId: "vpc-0123456789abcdef0" },
    },
    container: { id: "5f1e2d3c4b5a69788796a5d1", atlasCidrBlock: ATLAS_CIDR, regionName: "US_EAST_1" },
    attempt: 2,
    waitingChecks: 1,
    nextCheckAt: NOW + 60_000,
    deadline: NOW + 7 * 24 * 3_600_000,
    history: [],
    createdAt: NOW - 120_000,
    updatedAt: NOW,
    ...extra,
  };
}

const run = (outcome: PeerSideSummary["outcome"], inputs = "in-1"): PeerSideSummary => ({
  pcxId: PCX,
  outcome,
  at: NOW,
  inputs,
  ...(outcome === "failed" ? { remediation: REMEDIATION, retryAt: NOW + 300_000 } : {}),
});

describe("the next action of a change in an account the gateway accepts in", () => {
  const marked = markAccepterAccount(waiting(), accounts);

  it("is marked by the check that finds the account listed, and unmarked once it is not", () => {
    expect(marked.accepterAccountId).toBe(ACCOUNT);
    expect(markAccepterAccount(marked, new Map()).accepterAccountId).toBeUndefined();
    // Not waiting for acceptance: nothing to say, nothing marked.
    const moving = waiting({ state: "IN_PROGRESS", atlas: { status: "FINALIZING", connectionId: PCX } });
    expect(markAccepterAccount(moving, accounts)).toBe(moving);
  });

  it("says the gateway accepts the pcx and adds the route, and asks nobody to accept", () => {
    expect(nextAction(marked)).toBe(
      `The gateway accepts ${PCX} in us-east-1 and adds the route to ${ATLAS_CIDR} in account ${ACCOUNT}; ` +
        "nobody needs to act on the AWS side.",
    );
    expect(nextActionCommands(marked)).toEqual([]);
    const view = toView(marked);
    expect(view.nextAction).not.toContain("Accept VPC peering connection");
    expect(view.nextActionCommands).toBeUndefined();
  });

  it("names the remediation when the gateway's last run on this pcx failed, and gives the commands back", () => {
    const failed = { ...marked, peerSide: run("failed") };
    expect(nextAction(failed)).toBe(
      `The gateway accepts ${PCX} in us-east-1 and adds the route to ${ATLAS_CIDR} in account ${ACCOUNT}, ` +
        `but its last run failed: ${REMEDIATION}`,
    );
    expect(nextActionCommands(failed)[0]).toContain(
      `accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}`,
    );
    // A failure on an earlier pcx is not this request's.
    const earlier = { ...failed, peerSide: { ...run("failed"), pcxId: "pcx-0fffffffffffffff0" } };
    expect(nextAction(earlier)).toContain("nobody needs to act");
  });

  it("asks a person again once Atlas reports another account (a new request, not marked yet)", () => {
    const moved = { ...marked, atlas: { ...marked.atlas, peer: { awsAccountId: "210987654321" } } };
    expect(nextAction(moved)).toContain("Accept VPC peering connection");
  });
});

describe("a stop of the gateway's run on the peer's side", () => {
  const before = markAccepterAccount(waiting(), accounts);
  const failed = { ...before, version: before.version + 1, peerSide: run("failed") };

  it("is announced once, to the event and the callback, with the remediation in the view", () => {
    const notification = notificationFor(failed, before, NOW);
    expect(notification).toMatchObject({ id: "msg_chg-1_4", pending: ["event", "callback"] });
    expect(notification?.view.remediation).toBe(REMEDIATION);
    expect(notification?.view.nextAction).toContain(`but its last run failed: ${REMEDIATION}`);
  });

  it("is not announced again when the same inputs fail again, nor for a run that goes on", () => {
    const again = {
      ...failed,
      version: failed.version + 1,
      peerSide: { ...run("failed"), at: NOW + 300_000 },
    };
    expect(notificationFor(again, failed, NOW + 300_000)).toBeUndefined();
    const incomplete = { ...before, version: before.version + 1, peerSide: run("incomplete") };
    expect(notificationFor(incomplete, before, NOW)).toBeUndefined();
    const done = { ...before, version: before.version + 1, peerSide: run("done") };
    expect(notificationFor(done, before, NOW)).toBeUndefined();
  });

  it("is announced again for new inputs (a new pcx, region, CIDR or account setting)", () => {
    const fresh = { ...failed, version: failed.version + 1, peerSide: run("not-acceptable", "in-2") };
    expect(notificationFor(fresh, failed, NOW)?.view.nextAction).toContain(
      "but its last run found the request cannot be accepted",
    );
  });
});
