import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type PeerCloud, startPeerCloud } from "../../local/aws/ec2/server.js";
import { applyLocalAwsDefaults } from "../../local/cloud.js";
import type { Caller, CallerRegistry } from "../../src/access/callers.js";
import { parseAccepterAccounts } from "../../src/domain/accepter/accounts.js";
import { toView } from "../../src/domain/change/view.js";
import type { ChangeSubmission } from "../../src/usecases/ChangeSubmission.js";
import { recheckChange } from "../../src/usecases/recheckChange.js";
import { submitChange } from "../../src/usecases/submitChange.js";
import { peerSideDeps } from "../../src/wiring/peerSide.js";
import { GROUP_A, PEER_1, testRegistry } from "../helpers/callers.js";
import { fakeChangeDeps, TEST_CADENCE } from "../helpers/changeDeps.js";
import { FakeAtlas } from "../helpers/fakes.js";
import { StaticCallerDirectory } from "../helpers/StaticCallerDirectory.js";

/**
 * The re-check path with the production peer-side adapter and wiring against the local EC2/STS emulator:
 * Atlas (a scripted fake) reports PENDING_ACCEPTANCE with a pcx for an account configured with a role, and
 * the gateway accepts it there, adds the route, records each step, and follows Atlas on.
 */

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/atlas-peering-accepter`;
const EXTERNAL_ID = "ext-7f3a9c-peering-gateway";
const PCX = "pcx-0a1b2c3d4e5f60718";
const CONTAINER = "5f1e2d3c4b5a69788796a5d1";
const ATLAS_CIDR = "192.168.248.0/21";
const FAR = Number.MAX_SAFE_INTEGER;
const caller = testRegistry().callers[0] as Caller;
const submission: ChangeSubmission = {
  caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v1.0", query: {} },
  provider: "AWS",
  body: '{"routeTableCidrBlock":"10.9.0.0/21"}',
  requestId: "req-1",
  plan: false,
};

let cloud: PeerCloud;
let vpc: { vpcId: string; mainRouteTableId: string };

const peer = (statusName: string, extra: object = {}) => ({
  status: 200,
  body: JSON.stringify({
    id: PEER_1,
    containerId: CONTAINER,
    awsAccountId: ACCOUNT,
    accepterRegionName: null,
    routeTableCidrBlock: "10.9.0.0/21",
    vpcId: vpc.vpcId,
    statusName,
    ...extra,
  }),
});

function registryWith(externalId: string | undefined): CallerRegistry {
  const section =
    externalId === undefined
      ? undefined
      : { [ACCOUNT]: { roleArn: ROLE, externalId, accept: true, routeTableIds: "all" } };
  return { ...testRegistry(), awsAccounts: parseAccepterAccounts(section, "test") };
}

/** Submits the change, then re-checks it a minute apart (`check`); the peer side runs as the recheck function's. */
async function follow(atlas: FakeAtlas, registry: CallerRegistry) {
  atlas.container = {
    status: 200,
    body: JSON.stringify({
      id: CONTAINER,
      providerName: "AWS",
      atlasCidrBlock: ATLAS_CIDR,
      regionName: "US_EAST_1",
    }),
  };
  const harness = fakeChangeDeps({ atlas, registry });
  const env = { AWS_ENDPOINT_URL_EC2: cloud.url, AWS_ENDPOINT_URL_STS: cloud.url, AWS_REGION: "eu-west-1" };
  const deps = { ...harness.deps, peerSide: peerSideDeps(env, new StaticCallerDirectory(registry)) };
  const stored = () => {
    const change = harness.store.changes.get("chg-1");
    if (!change) throw new Error("no change chg-1");
    return change;
  };
  const check = async (ms = 60_000) => {
    harness.advance(ms);
    return recheckChange({ changeId: "chg-1", attempt: stored().attempt }, deps, FAR);
  };
  await submitChange(submission, deps, FAR);
  return { ...harness, stored, check };
}

const writes = () => cloud.calls.filter((c) => c.service === "ec2" && !c.action.startsWith("Describe"));
const notes = (history: Array<{ note?: string }>) => history.flatMap((t) => (t.note ? [t.note] : []));

beforeAll(() => applyLocalAwsDefaults());
beforeEach(async () => {
  cloud = await startPeerCloud();
  cloud.addRole({ roleArn: ROLE, externalId: EXTERNAL_ID });
  vpc = cloud.addVpc({ accountId: ACCOUNT, region: "us-east-1", cidr: "10.9.0.0/21" });
  cloud.addPendingPeering({
    pcxId: PCX,
    requester: {
      ownerId: "536727724300",
      vpcId: "vpc-0aa11bb22cc33dd44",
      region: "us-east-1",
      cidr: ATLAS_CIDR,
    },
    accepterVpcId: vpc.vpcId,
  });
});
afterEach(async () => {
  await cloud.close();
});

describe("a change waiting for acceptance in an account configured with a role", () => {
  it("is accepted and routed by the gateway, each step in its history and one audit record", async () => {
    const waiting = peer("PENDING_ACCEPTANCE", { connectionId: PCX });
    const atlas = new FakeAtlas(
      peer("INITIATING"),
      waiting,
      waiting,
      peer("AVAILABLE", { connectionId: PCX }),
    );
    const { stored, check, audit, scheduler, time, events } = await follow(atlas, registryWith(EXTERNAL_ID));

    await check();
    const accepted = stored();
    expect(accepted.state).toBe("WAITING_FOR_USER");
    // Nobody is asked to accept, from the first announcement of the wait on: the gateway says it does.
    const gatewayStep =
      `The gateway accepts ${PCX} in us-east-1 and adds the route to ${ATLAS_CIDR} in account ${ACCOUNT}; ` +
      "nobody needs to act on the AWS side.";
    expect(events.events.map((view) => view.nextAction)).toEqual([gatewayStep]);
    expect(toView(accepted).nextAction).toBe(gatewayStep);
    expect(cloud.cloud.peerings.get(PCX)?.status).not.toBe("pending-acceptance");
    const routes = cloud.cloud.routeTables.get(vpc.mainRouteTableId)?.routes ?? [];
    expect(routes).toContainEqual(expect.objectContaining({ destinationCidrBlock: ATLAS_CIDR }));
    expect(notes(accepted.history)).toEqual(
      expect.arrayContaining([
        `gateway accepted ${PCX} in us-east-1`,
        `route ${ATLAS_CIDR} → ${PCX} added to ${vpc.mainRouteTableId}`,
      ]),
    );
    expect(accepted.peerSide).toMatchObject({ pcxId: PCX, outcome: "done" });
    // The STS session names the change; the role is assumed with the configured ExternalId.
    const assumed = cloud.calls.find((c) => c.action === "AssumeRole");
    expect(assumed?.params).toMatchObject({ RoleArn: ROLE, ExternalId: EXTERNAL_ID });
    expect(assumed?.params.RoleSessionName).toContain("chg-1");
    // Followed soon (the re-check delay), by the attempt the record now carries.
    expect(scheduler.scheduled.at(-1)).toEqual({
      changeId: "chg-1",
      attempt: accepted.attempt,
      at: time() + TEST_CADENCE.recheckDelayMs,
    });
    const records = audit.records.filter((r) => r.outcome === "peer-side");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ changeId: "chg-1", reason: "done", state: "WAITING_FOR_USER" });
    expect(records[0]?.detail).toContain(`gateway accepted ${PCX}`);
    expect(records[0]?.steps).toEqual(
      expect.arrayContaining([expect.objectContaining({ step: "accept", target: PCX, ok: true })]),
    );
    // The ExternalId is configuration: it is sent to STS, never stored with the change or in the audit.
    expect(JSON.stringify(accepted)).not.toContain(EXTERNAL_ID);
    expect(JSON.stringify(audit.records)).not.toContain(EXTERNAL_ID);

    // Atlas has not seen it yet: the run finds everything in place, changes nothing and adds no note.
    await check();
    expect(stored().history).toHaveLength(accepted.history.length);
    expect(audit.records.filter((r) => r.outcome === "peer-side")).toHaveLength(1);
    expect(writes().map((c) => c.action)).toEqual(["AcceptVpcPeeringConnection", "CreateRoute"]);

    await check();
    expect(stored().state).toBe("SUCCEEDED");
  });

  it("waits for a person, as before, when the account has no role", async () => {
    const waiting = peer("PENDING_ACCEPTANCE", { connectionId: PCX });
    const atlas = new FakeAtlas(peer("INITIATING"), waiting);
    const { stored, check, audit } = await follow(atlas, registryWith(undefined));
    await check();
    expect(stored().state).toBe("WAITING_FOR_USER");
    expect(cloud.calls).toEqual([]);
    expect(stored().peerSide).toBeUndefined();
    expect(notes(stored().history).filter((n) => n.includes(PCX))).toEqual([]);
    expect(toView(stored()).nextAction).toContain(`Accept VPC peering connection ${PCX}`);
    expect(toView(stored()).remediation).toBeUndefined();
    expect(audit.records.filter((r) => r.outcome === "peer-side")).toEqual([]);
  });

  it("shows a wrong ExternalId's remediation, writes nothing in EC2, and retries only at the human-wait pace", async () => {
    const waiting = peer("PENDING_ACCEPTANCE", { connectionId: PCX });
    const atlas = new FakeAtlas(peer("INITIATING"), waiting);
    const registry = registryWith("ext-wrong-one");
    const { stored, check, audit, events } = await follow(atlas, registry);

    await check();
    const failed = stored();
    // Whoever asked hears of it: the wait's announcement, then one for the stop, with what to do.
    expect(events.events).toHaveLength(2);
    expect(events.events[1]?.state).toBe("WAITING_FOR_USER");
    expect(events.notifications[1]).toMatchObject({ id: `msg_chg-1_${failed.version}` });
    expect(failed.state).toBe("WAITING_FOR_USER");
    expect(failed.peerSide).toMatchObject({ pcxId: PCX, outcome: "failed" });
    const remediation = toView(failed).remediation;
    expect(remediation).toBeDefined();
    expect(remediation).toContain(ROLE);
    expect(remediation).not.toContain("ext-wrong-one");
    expect(events.events[1]?.remediation).toBe(remediation);
    expect(events.events[1]?.nextAction).toContain(`but its last run failed: ${remediation}`);
    expect(cloud.calls.map((c) => c.action)).toEqual(["AssumeRole"]);
    expect(cloud.cloud.peerings.get(PCX)?.status).toBe("pending-acceptance");
    const failure = notes(failed.history).filter((n) => n.startsWith("peer side failed"));
    expect(failure).toEqual([`peer side failed: assume-role ${ROLE}: AccessDenied`]);
    expect(audit.records.filter((r) => r.outcome === "peer-side")).toHaveLength(1);

    // A look before the human-wait backoff is up (the sweeper, a late duplicate) does not try again.
    await check(5_000);
    expect(cloud.calls).toHaveLength(1);
    // The scheduled check does, and the same failure adds no second note nor audit record.
    await check(60_000);
    expect(cloud.calls).toHaveLength(2);
    expect(notes(stored().history).filter((n) => n.startsWith("peer side"))).toHaveLength(1);
    expect(audit.records.filter((r) => r.outcome === "peer-side")).toHaveLength(1);
    expect(events.events).toHaveLength(2);

    // Corrected configuration: a new input, so the next look runs at once, accepts, and the remediation goes.
    registry.awsAccounts = registryWith(EXTERNAL_ID).awsAccounts ?? new Map();
    await check(1_000);
    expect(stored().peerSide).toMatchObject({ outcome: "done" });
    expect(toView(stored()).remediation).toBeUndefined();
    expect(writes().map((c) => c.action)).toEqual(["AcceptVpcPeeringConnection", "CreateRoute"]);
  });
});
