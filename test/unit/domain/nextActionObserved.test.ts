import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../../src/adapters/aws/dynamodb/codec.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { type AtlasOutcome, applyOutcome } from "../../../src/domain/change/lifecycle.js";
import { newChange } from "../../../src/domain/change/newChange.js";
import { containerFromAnswer, containerToRead } from "../../../src/domain/change/observed.js";
import { toView } from "../../../src/domain/change/view.js";

const policy = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const CONTAINER = "5f1e2d3c4b5a69788796a5d1";
const PCX = "pcx-0a1b2c3d4e5f60718";

/** A v1.0 change that sent one field only. */
function partialChange(): ChangeRecord {
  return newChange(
    {
      id: "c1",
      callerId: "ci",
      channel: "http",
      operation: "update",
      groupId: "5f1e2d3c4b5a69788796a5b4",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      provider: "AWS",
      apiVersion: "v1.0",
      query: {},
      desired: '{"routeTableCidrBlock":"10.9.0.0/21"}',
    },
    T0,
    policy,
    T0 + 30_000,
  );
}

/** Atlas's answer: the whole peer, `accepterRegionName` null, and its read-only status fields. */
const SETTINGS = {
  id: "5f1e2d3c4b5a69788796a5c1",
  containerId: CONTAINER,
  awsAccountId: "123456789012",
  accepterRegionName: null,
  routeTableCidrBlock: "10.9.0.0/21",
  vpcId: "vpc-0123456789abcdef0",
  statusName: "PENDING_ACCEPTANCE",
  errorStateName: null,
  connectionId: PCX,
};
const waiting: AtlasOutcome = {
  kind: "peer",
  httpStatus: 200,
  peer: { status: "PENDING_ACCEPTANCE", connectionId: PCX },
  settings: SETTINGS,
};

describe("what a change keeps of Atlas's answer", () => {
  it("keeps the peer's settings as Atlas returned them, null included, and no read-only field", () => {
    const next = applyOutcome(partialChange(), waiting, T0 + 1_000, policy);
    expect(next.atlas.peer).toEqual({
      containerId: CONTAINER,
      awsAccountId: "123456789012",
      accepterRegionName: null,
      routeTableCidrBlock: "10.9.0.0/21",
      vpcId: "vpc-0123456789abcdef0",
    });
  });

  it("keeps them through answers that carry none (a refused or failed GET)", () => {
    const seen = applyOutcome(partialChange(), waiting, T0 + 1_000, policy);
    const outage: AtlasOutcome = { kind: "unavailable", httpStatus: 503, errorCode: "SERVICE_UNAVAILABLE" };
    expect(applyOutcome(seen, outage, T0 + 2_000, policy).atlas.peer).toEqual(seen.atlas.peer);
  });

  it("asks for the container once the change waits for a person, from Atlas's containerId, and not again", () => {
    const fresh = partialChange();
    expect(containerToRead(fresh)).toBeUndefined(); // RETRYING: nobody acts yet
    const next = applyOutcome(fresh, waiting, T0 + 1_000, policy);
    expect(next.state).toBe("WAITING_FOR_USER");
    expect(containerToRead(next)).toBe(CONTAINER);
    expect(containerToRead({ ...next, container: { id: CONTAINER } })).toBeUndefined();
    const hostile = { ...next, atlas: { ...next.atlas, peer: { containerId: "../../orgs" } } };
    expect(containerToRead(hostile)).toBeUndefined();
  });

  it("reads a container answer's text fields only", () => {
    const body = JSON.stringify({
      id: CONTAINER,
      providerName: "AWS",
      atlasCidrBlock: "192.168.248.0/21",
      regionName: "US_EAST_1",
      provisioned: true,
      gcpProjectId: null,
      vpcId: "vpc-05f1e2d3c4b5a6978",
    });
    expect(containerFromAnswer(CONTAINER, body)).toEqual({
      id: CONTAINER,
      providerName: "AWS",
      atlasCidrBlock: "192.168.248.0/21",
      regionName: "US_EAST_1",
      vpcId: "vpc-05f1e2d3c4b5a6978",
    });
    expect(containerFromAnswer(CONTAINER, "<html>")).toEqual({ id: CONTAINER });
  });
});

describe("the change view", () => {
  const container = { id: CONTAINER, atlasCidrBlock: "192.168.248.0/21", regionName: "US_EAST_1" };
  const waitingChange = { ...applyOutcome(partialChange(), waiting, T0 + 1_000, policy), container };

  it("shows the next action and its commands while a person must act, from Atlas's answer", () => {
    const view = toView(waitingChange);
    expect(view.nextAction).toContain("AWS account 123456789012, region us-east-1");
    expect(view.nextAction).toContain("Atlas CIDR 192.168.248.0/21");
    expect(view.nextActionCommands?.[0]).toBe(
      `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX} --region us-east-1`,
    );
    expect(view.remediation).toBeUndefined();
  });

  it("shows a remediation, and no next action, once the change failed", () => {
    const failed: AtlasOutcome = {
      kind: "peer",
      httpStatus: 200,
      peer: { status: "FAILED", error: "REJECTED" },
      settings: { ...SETTINGS, statusName: "FAILED", errorStateName: "REJECTED" },
    };
    const view = toView(applyOutcome(waitingChange, failed, T0 + 2_000, policy));
    expect(view.state).toBe("FAILED");
    expect(view.nextAction).toBeUndefined();
    expect(view.nextActionCommands).toBeUndefined();
    expect(view.remediation).toMatch(/rejected on the AWS side .*awsAccountId and vpcId/);
  });

  it("shows neither for a change that succeeded", () => {
    const done: AtlasOutcome = { ...waiting, peer: { status: "AVAILABLE" } };
    const view = toView(applyOutcome(waitingChange, done, T0 + 2_000, policy));
    expect(view.state).toBe("SUCCEEDED");
    expect(view).not.toHaveProperty("nextAction");
    expect(view).not.toHaveProperty("remediation");
  });
});

describe("the store's codec", () => {
  it("gives back the container and Atlas's peer settings, null included", () => {
    const record = {
      ...applyOutcome(partialChange(), waiting, T0 + 1_000, policy),
      container: { id: CONTAINER, atlasCidrBlock: "192.168.248.0/21" },
    };
    const decoded = decodeChange(encodeChange(record));
    expect(decoded.container).toEqual(record.container);
    expect(decoded.atlas.peer?.accepterRegionName).toBeNull();
    expect(decodeChange({ ...encodeChange(record), container: undefined })).not.toHaveProperty("container");
  });
});
