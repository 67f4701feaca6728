import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { AtlasUnavailableError } from "../../../src/ports/AtlasPeeringApi.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const caller = testRegistry().callers[0] as Caller;
const FAR = Number.MAX_SAFE_INTEGER;
const CONTAINER = "5f1e2d3c4b5a69788796a5d1";
const PCX = "pcx-0a1b2c3d4e5f60718";
/** A v1.0 body with one field, sent through the drop-in route (no planning read). */
const submission: ChangeSubmission = {
  caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v1.0", query: {} },
  provider: "AWS",
  body: '{"routeTableCidrBlock":"10.9.0.0/21"}',
  requestId: "req-1",
  plan: false,
};
/** The peer as Atlas answers it: every setting, the VPC in the container's region (null). */
const SETTINGS = {
  id: PEER_1,
  containerId: CONTAINER,
  awsAccountId: "123456789012",
  accepterRegionName: null,
  routeTableCidrBlock: "10.9.0.0/21",
  vpcId: "vpc-0123456789abcdef0",
};
const peer = (statusName: string, extra: object = {}) => ({
  status: 200,
  body: JSON.stringify({ ...SETTINGS, statusName, ...extra }),
});
const waiting = peer("PENDING_ACCEPTANCE", { connectionId: PCX });
const CONTAINER_ANSWER = {
  status: 200,
  body: JSON.stringify({
    id: CONTAINER,
    providerName: "AWS",
    atlasCidrBlock: "192.168.248.0/21",
    regionName: "US_EAST_1",
    provisioned: true,
  }),
};

/** Submits, then re-checks `checks` times a minute apart; `check` re-checks once more. */
async function follow(atlas: FakeAtlas, checks: number) {
  const harness = fakeChangeDeps({ atlas });
  const stored = () => harness.store.changes.get("chg-1");
  const check = async () => {
    harness.advance(60_000);
    await recheckChange({ changeId: "chg-1", attempt: stored()?.attempt ?? 0 }, harness.deps, FAR);
  };
  await submitChange(submission, harness.deps, FAR);
  for (let i = 0; i < checks; i++) await check();
  return { ...harness, stored, check };
}

describe("the container, read once when a change first waits for a person", () => {
  it("is read once, and the waiting event's next action names Atlas's CIDR and the container's region", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"), waiting, waiting, waiting, peer("AVAILABLE"));
    atlas.container = CONTAINER_ANSWER;
    const { events, stored } = await follow(atlas, 4);
    expect(stored()?.state).toBe("SUCCEEDED");
    expect(atlas.containerCalls).toEqual([{ groupId: GROUP_A, containerId: CONTAINER, apiVersion: "v2" }]);
    const announced = events.events.find((e) => e.state === "WAITING_FOR_USER");
    expect(announced?.nextAction).toBe(
      `Accept VPC peering connection ${PCX} in AWS account 123456789012, region us-east-1, then add a route ` +
        "to the Atlas CIDR 192.168.248.0/21 through it in the route tables of VPC vpc-0123456789abcdef0.",
    );
    expect(announced?.nextActionCommands).toEqual([
      `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX} --region us-east-1`,
      "aws ec2 create-route --route-table-id <your route table> --destination-cidr-block 192.168.248.0/21 " +
        `--vpc-peering-connection-id ${PCX} --region us-east-1`,
    ]);
    expect(stored()?.container).toMatchObject({ id: CONTAINER, atlasCidrBlock: "192.168.248.0/21" });
    expect(atlas.changeCalls.map((c) => c.method)).toEqual(["PATCH", "GET", "GET", "GET", "GET"]);
  });

  it("falls back to what is known while Atlas cannot answer, and reads it at a later check", async () => {
    const answers = [
      async () => Promise.reject(new AtlasUnavailableError("Atlas could not be reached", undefined, 3)),
      async () => ({ status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' }),
    ];
    const atlas = new FakeAtlas(peer("INITIATING"), waiting);
    atlas.container = () => (answers.shift() ?? (async () => CONTAINER_ANSWER))();
    const { events, stored, check } = await follow(atlas, 1);
    expect(stored()?.state).toBe("WAITING_FOR_USER");
    expect(stored()?.container).toBeUndefined();
    const announced = events.events[0];
    expect(announced?.nextAction).toContain(
      "AWS account 123456789012, region (the Atlas container's region)",
    );
    expect(announced?.nextAction).toContain("the Atlas CIDR (the Atlas container's atlasCidrBlock)");
    expect(announced?.nextActionCommands?.[1]).toContain("--destination-cidr-block <Atlas CIDR>");

    await check(); // 503: still nothing learnt, still waiting
    expect(stored()?.container).toBeUndefined();
    await check();
    expect(atlas.containerCalls).toHaveLength(3);
    expect(stored()?.state).toBe("WAITING_FOR_USER");
    expect(stored()?.container?.atlasCidrBlock).toBe("192.168.248.0/21");
    expect(atlas.changeCalls.filter((c) => c.method === "PATCH")).toHaveLength(1);
    expect(events.events).toHaveLength(1); // a later read re-announces nothing
  });

  it("remembers a read Atlas refused, and does not repeat it", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"), waiting); // the fake's container answer is a 404
    const { stored } = await follow(atlas, 3);
    expect(atlas.containerCalls).toHaveLength(1);
    expect(stored()?.container).toEqual({ id: CONTAINER });
    expect(stored()?.state).toBe("WAITING_FOR_USER");
  });

  it("is not read while Atlas is working, nor for a change that never waits", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"), peer("FINALIZING"), peer("AVAILABLE"));
    atlas.container = CONTAINER_ANSWER;
    const { stored } = await follow(atlas, 2);
    expect(stored()?.state).toBe("SUCCEEDED");
    expect(atlas.containerCalls).toEqual([]);
  });

  it("on a re-send that comes back waiting, is read after the PATCH's answer, and one PATCH is sent", async () => {
    const unavailable = { status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' };
    const before = peer("AVAILABLE", { routeTableCidrBlock: "10.8.0.0/21" }); // the read before the re-send
    const atlas = new FakeAtlas(unavailable, before, waiting);
    atlas.container = CONTAINER_ANSWER;
    const { events, stored } = await follow(atlas, 1);
    expect(atlas.changeCalls.map((c) => c.method)).toEqual(["PATCH", "GET", "PATCH"]);
    expect(stored()?.state).toBe("WAITING_FOR_USER");
    expect(atlas.containerCalls).toHaveLength(1);
    expect(events.events[0]?.nextAction).toContain("Atlas CIDR 192.168.248.0/21");
  });

  it("is read at submission when Atlas's first answer already waits for a person", async () => {
    const atlas = new FakeAtlas(waiting);
    atlas.container = CONTAINER_ANSWER;
    const harness = fakeChangeDeps({ atlas });
    const submitted = await submitChange(submission, harness.deps, FAR);
    expect(submitted.change.state).toBe("WAITING_FOR_USER");
    expect(submitted.change.container?.regionName).toBe("US_EAST_1");
    expect(harness.events.events[0]?.nextActionCommands?.[0]).toMatch(/--region us-east-1$/);
  });
});
