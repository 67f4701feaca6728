import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { handlePeeringCallEvent } from "../../../src/channels/eventbridge/handlePeeringCallEvent.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { noticePeerSideCall, type PeerSideCall } from "../../../src/usecases/noticePeerSideCall.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps, TEST_CADENCE } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const caller = testRegistry().callers[0] as Caller;
const DESIRED = { vpcId: "vpc-0123456789abcdef0", awsAccountId: "123456789012" };
const FAR = Number.MAX_SAFE_INTEGER;
const PCX = "pcx-0a1b2c3d4e5f60718";

const submission: ChangeSubmission = {
  caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
  provider: "AWS",
  body: JSON.stringify(DESIRED),
  requestId: "req-1",
};

/** The peer as Atlas answers it. */
const peer = (statusName: string, connectionId?: string) => ({
  status: 200,
  body: JSON.stringify({
    id: PEER_1,
    providerName: "AWS",
    statusName,
    ...DESIRED,
    ...(connectionId ? { connectionId } : {}),
  }),
});

const call = (connectionId = PCX, eventName = "AcceptVpcPeeringConnection"): PeerSideCall => ({
  eventId: "evt-1",
  eventName,
  account: "123456789012",
  region: "eu-west-1",
  connectionId,
});

/** A change Atlas answered PENDING_ACCEPTANCE (with its pcx): WAITING_FOR_USER, its next check a minute away. */
async function waiting(...after: Array<{ status: number; body: string }>) {
  const atlas = new FakeAtlas(peer("PENDING_ACCEPTANCE", PCX), ...after);
  const fake = fakeChangeDeps({ atlas });
  const first = await submitChange(submission, fake.deps, FAR);
  expect(first.change).toMatchObject({ state: "WAITING_FOR_USER", attempt: 1 });
  return { ...fake, atlas };
}

const methods = (atlas: FakeAtlas) => atlas.changeCalls.map((c) => c.method);

describe("noticePeerSideCall", () => {
  it("re-checks the change following the pcx at once: one GET, and the change moves on", async () => {
    const { deps, atlas, store, audit } = await waiting(peer("FINALIZING", PCX));
    expect(store.connections.get(PCX)).toBe("chg-1");
    const outcome = await noticePeerSideCall(call(), deps, FAR);
    expect(outcome).toMatchObject({
      kind: "rechecked",
      changeId: "chg-1",
      recheck: { kind: "checked", state: "IN_PROGRESS" },
    });
    expect(methods(atlas)).toEqual(["PATCH", "GET"]);
    expect(store.changes.get("chg-1")).toMatchObject({ state: "IN_PROGRESS", attempt: 2 });
    const record = audit.records.find((r) => r.requestId === "evt-1");
    expect(record).toMatchObject({ outcome: "read", changeId: "chg-1", reason: "peer-side call" });
    expect(record?.detail).toBe(`AcceptVpcPeeringConnection of ${PCX} in 123456789012 eu-west-1`);
  });

  it("re-checks on a reject or a delete too: Atlas then says what became of the peering", async () => {
    for (const eventName of ["RejectVpcPeeringConnection", "DeleteVpcPeeringConnection"]) {
      const { deps, atlas } = await waiting(peer("FAILED", PCX));
      expect(await noticePeerSideCall(call(PCX, eventName), deps, FAR)).toMatchObject({ kind: "rechecked" });
      expect(methods(atlas)).toEqual(["PATCH", "GET"]);
    }
  });

  it("asks Atlas nothing for a pcx no change follows", async () => {
    const { deps, atlas } = await waiting();
    expect(await noticePeerSideCall(call("pcx-0fffffffffffffff0"), deps, FAR)).toEqual({
      kind: "ignored",
      reason: "no change follows this connection",
    });
    expect(methods(atlas)).toEqual(["PATCH"]);
  });

  it("asks Atlas nothing once the change has ended, or has moved to another connection", async () => {
    const { deps, atlas, store } = await waiting();
    const change = store.changes.get("chg-1");
    if (!change) throw new Error("no change");
    store.changes.set("chg-1", {
      ...change,
      atlas: { ...change.atlas, connectionId: "pcx-0eeeeeeeeeeeeeee0" },
    });
    expect(await noticePeerSideCall(call(), deps, FAR)).toMatchObject({
      reason: "the change follows another connection",
    });
    store.changes.set("chg-1", { ...change, state: "CANCELLED" });
    expect(await noticePeerSideCall(call(), deps, FAR)).toMatchObject({ reason: "the change has ended" });
    expect(methods(atlas)).toEqual(["PATCH"]);
  });

  it("does nothing for a re-check that lost to another one (the attempt rules)", async () => {
    const { deps, atlas, store } = await waiting(peer("PENDING_ACCEPTANCE", PCX));
    const change = store.changes.get("chg-1");
    if (!change) throw new Error("no change");
    // Another invocation holds the change's PATCH in flight: the re-check keeps off, Atlas is not asked.
    store.changes.set("chg-1", { ...change, leaseUntil: FAR });
    expect(await noticePeerSideCall(call(), deps, FAR)).toMatchObject({
      kind: "rechecked",
      recheck: { kind: "skipped", reason: "being sent" },
    });
    expect(methods(atlas)).toEqual(["PATCH"]);
  });

  it("looks again at the re-check delay when Atlas has not seen the accept yet, then backs off as before", async () => {
    const pending = peer("PENDING_ACCEPTANCE", PCX);
    const { deps, store, scheduler, advance, time } = await waiting(pending);
    const stored = () => store.changes.get("chg-1") ?? expect.fail("no change chg-1");
    // Three scheduled looks into the wait: the human-wait backoff is at its ceiling.
    for (let look = 0; look < 3; look++) {
      advance(60_000);
      await recheckChange({ changeId: "chg-1", attempt: stored().attempt }, deps, FAR);
    }
    expect(scheduler.scheduled.at(-1)?.at).toBe(time() + TEST_CADENCE.humanWaitMaxMs);
    // A person accepted; CloudTrail tells the gateway before Atlas knows.
    advance(10_000);
    await noticePeerSideCall(call(), deps, FAR);
    expect(stored()).toMatchObject({ state: "WAITING_FOR_USER", waitingChecks: 1 });
    expect(scheduler.scheduled.at(-1)).toEqual({
      changeId: "chg-1",
      attempt: stored().attempt,
      at: time() + TEST_CADENCE.recheckDelayMs,
    });
    // Only that one: the scheduled look after it backs off again (an event storm cannot make polling dense).
    advance(TEST_CADENCE.recheckDelayMs);
    await recheckChange({ changeId: "chg-1", attempt: stored().attempt }, deps, FAR);
    expect(scheduler.scheduled.at(-1)?.at).toBe(time() + 2 * TEST_CADENCE.recheckDelayMs);
  });

  it("throws when the store fails, so the event is retried", async () => {
    const { deps } = await waiting();
    deps.store.changeForConnection = async () => {
      throw new Error("DynamoDB is down");
    };
    await expect(noticePeerSideCall(call(), deps, FAR)).rejects.toThrow("DynamoDB is down");
  });
});

describe("the connection index", () => {
  it("is written with the change that first observes its pcx, and again only when the pcx changes", async () => {
    const atlas = new FakeAtlas(
      peer("INITIATING"),
      peer("PENDING_ACCEPTANCE", PCX),
      peer("PENDING_ACCEPTANCE", PCX),
      peer("PENDING_ACCEPTANCE", "pcx-0bbbbbbbbbbbbbbb0"),
    );
    const { deps, store } = fakeChangeDeps({ atlas });
    const update = store.update.bind(store);
    const indexed: Array<string | undefined> = [];
    store.update = async (next, expected, notification, options) => {
      if (options?.indexConnection) indexed.push(next.atlas.connectionId);
      return update(next, expected, notification, options);
    };
    await submitChange(submission, deps, FAR);
    for (let attempt = 1; attempt <= 3; attempt++)
      await recheckChange({ changeId: "chg-1", attempt }, deps, FAR);
    expect(indexed).toEqual([PCX, "pcx-0bbbbbbbbbbbbbbb0"]);
    expect(store.connections.get("pcx-0bbbbbbbbbbbbbbb0")).toBe("chg-1");
  });
});

describe("handlePeeringCallEvent", () => {
  it("drops an event that is no peering call, without a store read or an Atlas call", async () => {
    const { deps, atlas } = await waiting();
    deps.store.changeForConnection = async () => {
      throw new Error("must not be read");
    };
    expect(
      await handlePeeringCallEvent({ id: "e-9", "detail-type": "AWS API Call via CloudTrail" }, deps, FAR),
    ).toEqual({
      kind: "dropped",
      reason: "not a CloudTrail record of an EC2 peering call",
    });
    expect(methods(atlas)).toEqual(["PATCH"]);
  });
});
