import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import type { AtlasAnswer } from "../../../src/ports/AtlasPeeringApi.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { sweepOverdue } from "../../../src/usecases/sweepOverdue.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const caller = testRegistry().callers[0] as Caller;
const DESIRED = { vpcId: "vpc-0123456789abcdef0", awsAccountId: "123456789012" };
const FAR = Number.MAX_SAFE_INTEGER;
const unavailable = { status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' };

function submission(desired: object = DESIRED): ChangeSubmission {
  return {
    caller,
    channel: "http",
    call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
    provider: "AWS",
    body: JSON.stringify(desired),
    requestId: "req-1",
  };
}

/** The peer as Atlas's GET answers it: the AWS fields, its status, and whatever settings it holds. */
const peer = (statusName: string, settings: object = DESIRED) => ({
  status: 200,
  body: JSON.stringify({ id: PEER_1, providerName: "AWS", statusName, ...settings }),
});

/** A change whose first PATCH Atlas answered 503: RETRYING, its re-check for attempt 1 due. */
async function retrying(atlas: FakeAtlas, desired: object = DESIRED) {
  const fake = fakeChangeDeps({ atlas });
  const first = await submitChange(submission(desired), fake.deps, FAR);
  expect(first.change).toMatchObject({ state: "RETRYING", attempt: 1 });
  fake.advance(60_000);
  return fake;
}

const methods = (atlas: FakeAtlas) => atlas.changeCalls.map((c) => c.method);

describe("a RETRYING re-check reads the peer before it sends the PATCH again", () => {
  it("follows a PATCH that had landed (the owner already accepted): no second PATCH", async () => {
    const atlas = new FakeAtlas(unavailable, peer("AVAILABLE", { ...DESIRED, connectionId: "pcx-1" }));
    const { deps, store } = await retrying(atlas);
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toMatchObject({
      state: "SUCCEEDED",
    });
    expect(methods(atlas)).toEqual(["PATCH", "GET"]);
    expect(store.changes.get("chg-1")?.atlas).toMatchObject({ status: "AVAILABLE", connectionId: "pcx-1" });
  });

  it("follows a landed PATCH Atlas is still working on", async () => {
    const atlas = new FakeAtlas(unavailable, peer("INITIATING"));
    const { deps } = await retrying(atlas);
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toMatchObject({
      state: "IN_PROGRESS",
    });
    expect(methods(atlas)).toEqual(["PATCH", "GET"]);
  });

  it("sends the PATCH when the peer does not hold the desired settings yet", async () => {
    const atlas = new FakeAtlas(
      unavailable,
      peer("AVAILABLE", { ...DESIRED, vpcId: "vpc-0000000000000000a" }),
      peer("INITIATING"),
    );
    const { deps } = await retrying(atlas);
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toMatchObject({
      state: "IN_PROGRESS",
    });
    expect(methods(atlas)).toEqual(["PATCH", "GET", "PATCH"]);
    expect(atlas.changeCalls[2]?.body).toBe(JSON.stringify(DESIRED));
  });

  it("treats a null accepterRegionName as not the desired region (it cannot tell the container's region)", async () => {
    const desired = { ...DESIRED, accepterRegionName: "us-east-1" };
    const atlas = new FakeAtlas(
      unavailable,
      peer("AVAILABLE", { ...desired, accepterRegionName: null }),
      peer("INITIATING"),
    );
    const { deps } = await retrying(atlas, desired);
    await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR);
    expect(methods(atlas)).toEqual(["PATCH", "GET", "PATCH"]);
  });

  it("does not re-send blind when the read fails too: it stays RETRYING and backs off", async () => {
    const atlas = new FakeAtlas(unavailable, unavailable);
    const { deps, store } = await retrying(atlas);
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toMatchObject({
      state: "RETRYING",
    });
    expect(methods(atlas)).toEqual(["PATCH", "GET"]);
    expect(store.changes.get("chg-1")?.retryingChecks).toBe(2);
  });

  it("sends at most one PATCH for 20 concurrent duplicate re-checks", async () => {
    const atlas = new FakeAtlas(unavailable, peer("AVAILABLE", { vpcId: "vpc-0000000000000000a" }));
    const { deps } = await retrying(atlas);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)),
    );
    expect(methods(atlas).filter((m) => m === "PATCH")).toHaveLength(2); // the first send, one re-send
    expect(results.filter((r) => r.kind === "checked")).toHaveLength(1);
  });

  it("makes a duplicate that arrives while the re-sent PATCH is in flight stale", async () => {
    const atlas = new FakeAtlas(unavailable, peer("AVAILABLE", { vpcId: "vpc-0000000000000000a" }));
    const { deps } = await retrying(atlas);
    const patch = atlas.updatePeer.bind(atlas);
    let release: () => void = () => {};
    const sent = new Promise<void>((resolve) => {
      atlas.updatePeer = async (...args): Promise<AtlasAnswer> => {
        resolve();
        await new Promise<void>((r) => (release = r));
        return patch(...args);
      };
    });
    const first = recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR);
    await sent;
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toEqual({
      kind: "skipped",
      reason: "stale attempt",
    });
    release();
    expect(await first).toMatchObject({ kind: "checked" });
    expect(methods(atlas).filter((m) => m === "PATCH")).toHaveLength(2);
  });

  it("lets the sweeper recover a function that died during the PATCH without re-sending it", async () => {
    const atlas = new FakeAtlas(peer("AVAILABLE"));
    const landed = atlas.updatePeer.bind(atlas);
    atlas.updatePeer = async (...args) => {
      await landed(...args); // Atlas took it...
      throw new Error("function timed out"); // ...but the function died before recording the answer
    };
    const { deps, store, advance, time } = fakeChangeDeps({ atlas });
    // The http function's budget: its PATCH's lease ends 15 s after it.
    await expect(submitChange(submission(), deps, time() + 29_000)).rejects.toThrow("function timed out");
    expect(store.changes.get("chg-1")).toMatchObject({ state: "RETRYING", attempt: 0 });
    advance(40_000);
    // Overdue by the grace, but the dead function's PATCH might still land: the sweeper keeps off.
    expect(await sweepOverdue(deps, { graceMs: 0, limit: 10 }, FAR)).toMatchObject({ found: 0 });
    advance(20_000 + 120_000);
    expect(await sweepOverdue(deps, { graceMs: 120_000, limit: 10 }, FAR)).toEqual({
      found: 1,
      results: [{ changeId: "chg-1", outcome: "SUCCEEDED" }],
      redriven: 0,
    });
    expect(methods(atlas)).toEqual(["PATCH", "GET"]);
  });
});
