import { describe, expect, it } from "vitest";
import { parseAccepterAccounts } from "../../../src/domain/accepter/accounts.js";
import type { PeerSideRequest } from "../../../src/domain/accepter/request.js";
import type { PeerSideReport } from "../../../src/domain/accepter/steps.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import {
  claimPeerSide,
  mayRunPeerSide,
  peerSideRemediationOf,
  peerSideRequestFor,
  withPeerSideReport,
} from "../../../src/domain/change/peerSide.js";
import { toView } from "../../../src/domain/change/view.js";

const NOW = 1_764_331_200_000;
const POLICY = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const PCX = "pcx-0a1b2c3d4e5f60718";
const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/atlas-peering-accepter`;
const accounts = parseAccepterAccounts(
  {
    [ACCOUNT]: {
      roleArn: ROLE,
      externalId: "ext-0001",
      accept: true,
      routeTableIds: ["rtb-0aaa1111bbbb2222c"],
    },
  },
  "test",
);

function waiting(extra: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id: "chg-1",
    version: 4,
    callerId: "ci",
    channel: "http",
    groupId: "5f1e2d3c4b5a69788796a5b4",
    peerId: "6a0b1c2d3e4f5a6b7c8d9e0f",
    provider: "AWS",
    operation: "update",
    apiVersion: "v2",
    query: {},
    desired: JSON.stringify({
      awsAccountId: ACCOUNT,
      vpcId: "vpc-0123456789abcdef0",
      accepterRegionName: "eu-west-2",
    }),
    state: "WAITING_FOR_USER",
    atlas: { status: "PENDING_ACCEPTANCE", connectionId: PCX, httpStatus: 200 },
    container: { id: "c1", atlasCidrBlock: "192.168.248.0/21", regionName: "US_EAST_1" },
    attempt: 3,
    waitingChecks: 3,
    nextCheckAt: NOW + 240_000,
    deadline: NOW + 7 * 86_400_000,
    history: [{ at: new Date(NOW).toISOString(), from: "IN_PROGRESS", to: "WAITING_FOR_USER" }],
    createdAt: NOW - 600_000,
    updatedAt: NOW,
    ...extra,
  };
}

function request(change = waiting()): PeerSideRequest {
  const found = peerSideRequestFor(change, accounts);
  if (!found) throw new Error("no request");
  return found;
}

const done: PeerSideReport = {
  outcome: "done",
  steps: [
    { step: "assume-role", target: ROLE, ok: true, detail: `assumed ${ROLE} with its ExternalId` },
    { step: "describe", target: PCX, ok: true, detail: "peering pending-acceptance; 1 route table(s)" },
    { step: "accept", target: PCX, ok: true, detail: "accepted; status provisioning" },
    {
      step: "route",
      target: "rtb-0aaa1111bbbb2222c",
      ok: true,
      detail: `replaced blackhole route to pcx-0ff with 192.168.248.0/21 → ${PCX}`,
    },
    {
      step: "security-group",
      target: "sg-0aaa1111bbbb2222c",
      ok: true,
      detail: "already allowed",
      errorCode: "InvalidPermission.Duplicate",
    },
    { step: "verify", target: PCX, ok: true, detail: "peering active" },
  ],
};
const failed: PeerSideReport = {
  outcome: "failed",
  steps: [
    {
      step: "assume-role",
      target: ROLE,
      ok: false,
      detail: "AssumeRole failed: AccessDenied",
      action: "AssumeRole",
      errorCode: "AccessDenied",
      remediation: "STS refused to let the gateway assume the role: fix the trust policy.",
    },
  ],
  remediation: "STS refused to let the gateway assume the role: fix the trust policy.",
};

describe("the peer side's request from a waiting change", () => {
  it("takes the peer's account, VPC and region as Atlas holds them, the body's otherwise", () => {
    expect(request()).toMatchObject({
      accountId: ACCOUNT,
      pcxId: PCX,
      region: "eu-west-2",
      vpcId: "vpc-0123456789abcdef0",
    });
    const observed = waiting({ atlas: { ...waiting().atlas, peer: { accepterRegionName: null } } });
    // Atlas's null region is the container's.
    expect(request(observed).region).toBe("us-east-1");
  });

  it("is none for an account without a role, or once Atlas no longer waits for acceptance", () => {
    expect(peerSideRequestFor(waiting(), new Map())).toBeUndefined();
    const finalizing = waiting({ atlas: { status: "FINALIZING", connectionId: PCX } });
    expect(peerSideRequestFor(finalizing, accounts)).toBeUndefined();
  });
});

describe("what a run leaves on the change", () => {
  it("notes each write (not what was kept), follows Atlas at the re-check delay, and moves the attempt on", () => {
    const claimed = claimPeerSide(waiting(), NOW, NOW + 75_000);
    // While the run holds the lease, other checks keep off.
    expect(claimed).toMatchObject({ version: 5, leaseUntil: NOW + 75_000, attempt: 3 });
    const { next, notes } = withPeerSideReport(claimed, request(), done, NOW, POLICY);
    expect(next.leaseUntil).toBeUndefined();
    expect(notes).toEqual([
      `gateway accepted ${PCX} in eu-west-2`,
      `route 192.168.248.0/21 → ${PCX} replaced the old route in rtb-0aaa1111bbbb2222c`,
    ]);
    expect(next.history.slice(1)).toEqual(
      notes.map((note) => ({
        at: new Date(NOW).toISOString(),
        from: "WAITING_FOR_USER",
        to: "WAITING_FOR_USER",
        atlasStatus: "PENDING_ACCEPTANCE",
        note,
      })),
    );
    expect(next).toMatchObject({
      version: 6,
      attempt: 4,
      nextCheckAt: NOW + 60_000,
      state: "WAITING_FOR_USER",
    });
    expect(next.peerSide).toMatchObject({ pcxId: PCX, outcome: "done", at: NOW });
    expect(next.peerSide?.remediation).toBeUndefined();
  });

  it("keeps the human-wait schedule after a failure, shows its remediation, and notes it once", () => {
    const first = withPeerSideReport(waiting(), request(), failed, NOW, POLICY).next;
    expect(first).toMatchObject({ attempt: 4, nextCheckAt: NOW + 240_000 });
    expect(first.peerSide).toMatchObject({ outcome: "failed", retryAt: NOW + 240_000 });
    expect(toView(first).remediation).toBe(failed.remediation);
    expect(first.history.at(-1)?.note).toBe(`peer side failed: assume-role ${ROLE}: AccessDenied`);
    const again = withPeerSideReport(
      { ...first, nextCheckAt: NOW + 540_000 },
      request(),
      failed,
      NOW + 240_000,
      POLICY,
    );
    expect(again.notes).toEqual([]);
    expect(again.next.history).toHaveLength(first.history.length);
  });

  it("runs again with the same inputs only once the failure's retry time has come; new inputs at once", () => {
    const stuck = withPeerSideReport(waiting(), request(), failed, NOW, POLICY).next;
    expect(mayRunPeerSide(stuck, request(stuck), NOW + 60_000)).toBe(false);
    expect(mayRunPeerSide(stuck, request(stuck), NOW + 240_000)).toBe(true);
    const newPcx = { ...stuck, atlas: { ...stuck.atlas, connectionId: "pcx-0b2c3d4e5f6071829" } };
    expect(mayRunPeerSide(newPcx, request(newPcx), NOW + 60_000)).toBe(true);
    // The remediation is the old pcx's: a re-initialised peering does not show it.
    expect(peerSideRemediationOf(newPcx)).toBeUndefined();
    const ok = withPeerSideReport(waiting(), request(), done, NOW, POLICY).next;
    expect(mayRunPeerSide(ok, request(ok), NOW + 1)).toBe(true);
  });
});
