import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { deliverNotification } from "../../../src/usecases/deliverNotification.js";
import {
  ChangeEndedError,
  ChangeInFlightError,
  IdempotencyKeyReusedError,
} from "../../../src/usecases/errors.js";
import { cancelChange } from "../../../src/usecases/manageChanges.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { sweepOverdue } from "../../../src/usecases/sweepOverdue.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const caller = testRegistry().callers[0] as Caller;
const BODY = '{"vpcId":"vpc-0123456789abcdef0","awsAccountId":"123456789012"}';
const submission: ChangeSubmission = {
  caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
  provider: "AWS",
  body: BODY,
  requestId: "req-1",
};
const peer = (statusName: string, extra: object = {}) => ({
  status: 200,
  body: JSON.stringify({ statusName, ...extra }),
});
const unavailable = { status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' };
const FAR = Number.MAX_SAFE_INTEGER;
/** The settings of {@link BODY}, as a peer that settled with the change applied holds them. */
const HELD = JSON.parse(BODY) as object;

describe("following a change", () => {
  it("re-sends a PATCH Atlas could not take, then follows the peer to SUCCEEDED, announcing each milestone", async () => {
    const atlas = new FakeAtlas(
      unavailable,
      peer("AVAILABLE"), // the read before the re-send: the peer does not hold the desired settings
      peer("INITIATING"),
      peer("PENDING_ACCEPTANCE", { connectionId: "pcx-9" }),
      peer("AVAILABLE", HELD),
    );
    const { deps, scheduler, events, store, advance } = fakeChangeDeps({ atlas });
    const first = await submitChange(submission, deps, FAR);
    expect(first.change).toMatchObject({ state: "RETRYING", attempt: 1 });
    for (let i = 0; i < 3; i++) {
      advance(60_000);
      const attempt = store.changes.get("chg-1")?.attempt ?? 0;
      expect(await recheckChange({ changeId: "chg-1", attempt }, deps, FAR)).toMatchObject({
        kind: "checked",
      });
    }
    expect(atlas.changeCalls.map((c) => c.method)).toEqual(["PATCH", "GET", "PATCH", "GET", "GET"]);
    expect(atlas.changeCalls[2]?.body).toBe(BODY);
    const final = store.changes.get("chg-1");
    expect(final).toMatchObject({
      state: "SUCCEEDED",
      atlas: { status: "AVAILABLE", connectionId: "pcx-9" },
    });
    expect(final?.history.map((h) => h.to)).toEqual([
      "RETRYING",
      "RETRYING",
      "IN_PROGRESS",
      "WAITING_FOR_USER",
      "SUCCEEDED",
    ]);
    expect(final?.history[1]?.note).toBe("Atlas unavailable: SERVICE_UNAVAILABLE");
    // The re-send claimed attempt 2 before its PATCH, so its outcome is attempt 3.
    expect(scheduler.scheduled.map((s) => s.attempt)).toEqual([1, 3, 4]);
    expect(events.events.map((e) => e.state)).toEqual(["WAITING_FOR_USER", "SUCCEEDED"]);
    expect(events.events[0]?.nextAction).toContain(
      "Accept VPC peering connection pcx-9 in AWS account 123456789012",
    );
    expect(store.locks.size).toBe(0);
  });

  it("ignores duplicate and out-of-order re-checks", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"), peer("FINALIZING"));
    const { deps } = fakeChangeDeps({ atlas });
    await submitChange(submission, deps, FAR);
    const results = await Promise.all(
      [1, 1, 1].map((attempt) => recheckChange({ changeId: "chg-1", attempt }, deps, FAR)),
    );
    expect(results.filter((r) => r.kind === "checked")).toHaveLength(1);
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toEqual({
      kind: "skipped",
      reason: "stale attempt",
    });
    expect(await recheckChange({ changeId: "nope", attempt: 1 }, deps, FAR)).toEqual({
      kind: "skipped",
      reason: "unknown change",
    });
  });

  it("does not lose a change whose re-check could not be scheduled: the sweeper finds it", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"), peer("AVAILABLE", HELD));
    const { deps, scheduler, store, advance } = fakeChangeDeps({ atlas });
    scheduler.failNext = 1;
    await submitChange(submission, deps, FAR);
    expect(scheduler.scheduled).toEqual([]);
    advance(60_000);
    expect((await sweepOverdue(deps, { graceMs: 120_000, limit: 10 }, FAR)).found).toBe(0); // not overdue yet
    advance(120_000);
    expect(await sweepOverdue(deps, { graceMs: 120_000, limit: 10 }, FAR)).toEqual({
      found: 1,
      results: [{ changeId: "chg-1", outcome: "SUCCEEDED" }],
      redriven: 0,
    });
    expect(store.changes.get("chg-1")?.state).toBe("SUCCEEDED");
  });

  it("records Atlas's refusal as REJECTED and frees the peering", async () => {
    const atlas = new FakeAtlas({
      status: 409,
      body: '{"error":409,"errorCode":"PEER_INVALID_STATE","detail":"cannot update"}',
    });
    const { deps, store, events } = fakeChangeDeps({ atlas });
    const result = await submitChange(submission, deps, FAR);
    expect(result.change).toMatchObject({
      state: "REJECTED",
      atlas: { httpStatus: 409, errorCode: "PEER_INVALID_STATE" },
    });
    expect(store.locks.size).toBe(0);
    expect(events.events.map((e) => e.state)).toEqual(["REJECTED"]);
  });

  it("ends at the deadline when nobody accepts: the AWS request expired (a 7-day deadline meets AWS's 7 days)", async () => {
    const atlas = new FakeAtlas(peer("PENDING_ACCEPTANCE"));
    const { deps, store, advance } = fakeChangeDeps({ atlas });
    await submitChange(submission, deps, FAR);
    let attempt = 1;
    while (store.changes.get("chg-1")?.state === "WAITING_FOR_USER") {
      const change = store.changes.get("chg-1");
      advance((change?.nextCheckAt ?? 0) - deps.now());
      await recheckChange({ changeId: "chg-1", attempt: attempt++ }, deps, FAR);
    }
    // The default deadline falls in the request's last hour, so the change ends saying it expired (expiry.ts).
    expect(store.changes.get("chg-1")).toMatchObject({
      state: "FAILED",
      atlas: { status: "PENDING_ACCEPTANCE", errorCode: "PEERING_REQUEST_EXPIRED" },
    });
    // 168 h of waiting at a 5-minute ceiling: about 2 000 checks, not Terraform's 60 000.
    expect(attempt).toBeLessThan(2_100);
  });
});

describe("one change per peering, idempotency and cancelling", () => {
  it("refuses a second change while one is in flight, and allows it once that one ended", async () => {
    // The PATCH; the second request's planning read; the re-check; the third request's read and PATCH.
    const atlas = new FakeAtlas(
      peer("INITIATING"),
      peer("INITIATING"),
      peer("AVAILABLE", HELD),
      peer("INITIATING"),
    );
    const { deps } = fakeChangeDeps({ atlas });
    await submitChange(submission, deps, FAR);
    await expect(submitChange(submission, deps, FAR)).rejects.toEqual(new ChangeInFlightError("chg-1"));
    await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR);
    expect((await submitChange(submission, deps, FAR)).change.state).toBe("IN_PROGRESS");
  });

  it("takes over a lock left behind by a change that ended", async () => {
    const { deps, store } = fakeChangeDeps({ atlas: new FakeAtlas(peer("AVAILABLE", HELD)) });
    await submitChange(submission, deps, FAR);
    store.locks.set(`${GROUP_A}#${PEER_1}`, { changeId: "chg-1", since: 0 }); // as if the release had failed
    expect((await submitChange(submission, deps, FAR)).change.state).toBe("SUCCEEDED");
  });

  it("returns the original change for a repeated Idempotency-Key, and refuses it for another request", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"));
    const { deps } = fakeChangeDeps({ atlas });
    const keyed = { ...submission, idempotencyKey: "deploy-42" };
    const first = await submitChange(keyed, deps, FAR);
    const again = await submitChange(keyed, deps, FAR);
    expect(again).toMatchObject({ kind: "replayed", change: { id: first.change.id } });
    expect(atlas.changeCalls).toHaveLength(1);
    await expect(submitChange({ ...keyed, body: '{"vpcId":"vpc-1"}' }, deps, FAR)).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
  });

  it("cancels a change: CANCELLED, schedule removed, peering free, Atlas untouched", async () => {
    const atlas = new FakeAtlas(peer("PENDING_ACCEPTANCE"));
    const { deps, scheduler, store, events } = fakeChangeDeps({ atlas });
    await submitChange(submission, deps, FAR);
    const cancelled = await cancelChange("chg-1", caller, deps);
    expect(cancelled).toMatchObject({ state: "CANCELLED" });
    expect(cancelled.history.at(-1)?.note).toBe("cancelled by ci-pipeline");
    expect(scheduler.cancelled).toEqual([{ changeId: "chg-1", attempt: 1 }]);
    expect(store.locks.size).toBe(0);
    expect(atlas.changeCalls).toHaveLength(1);
    expect(events.events.map((e) => e.state)).toEqual(["WAITING_FOR_USER", "CANCELLED"]);
    await expect(cancelChange("chg-1", caller, deps)).rejects.toBeInstanceOf(ChangeEndedError);
  });

  it("sends a signed callback with the caller's secret from the outbox, not in the request", async () => {
    const registry = testRegistry();
    const withHook = {
      ...(registry.callers[0] as Caller),
      callbackSecret: "whsec_dGVzdC1jYWxsYmFjay1zZWNyZXQ=",
      callbackHosts: ["hooks.example.com"],
    };
    registry.callers[0] = withHook;
    const { deps, callbacks, events } = fakeChangeDeps({
      atlas: new FakeAtlas(peer("AVAILABLE", HELD)),
      registry,
    });
    await submitChange(
      { ...submission, caller: withHook, callbackUrl: "https://hooks.example.com/peering" },
      deps,
      FAR,
    );
    expect(callbacks.deliveries).toHaveLength(0);
    const [announced] = events.notifications;
    expect(announced).toMatchObject({ changeId: "chg-1", id: `msg_chg-1_${announced?.version}` });
    if (!announced) return;
    expect(await deliverNotification(announced, "event", deps, FAR)).toMatchObject({
      kind: "attempted",
      done: true,
    });
    expect(callbacks.deliveries).toHaveLength(1);
    expect(callbacks.deliveries[0]).toMatchObject({
      url: "https://hooks.example.com/peering",
      secret: withHook.callbackSecret,
      messageId: announced.id,
      payload: { type: "peering.change.state_changed", data: { id: "chg-1", state: "SUCCEEDED" } },
    });
    expect(await deliverNotification(announced, "event", deps, FAR)).toEqual({
      kind: "skipped",
      reason: "nothing pending",
    });
  });
});

describe("a rotated service-account secret", () => {
  it("is fetched again when the token endpoint refuses the cached one, and the change goes through", async () => {
    const { TokenEndpointError } = await import("../../../src/ports/AtlasPeeringApi.js");
    const atlas = new FakeAtlas(peer("INITIATING"));
    let refused = false;
    const original = atlas.updatePeer.bind(atlas);
    atlas.updatePeer = async (credentials, call, body) => {
      if (!refused) {
        refused = true;
        throw new TokenEndpointError(
          "token endpoint refused the client (401 invalid_client)",
          "TOKEN_REFUSED",
          false,
          401,
        );
      }
      return original(credentials, call, body);
    };
    const { deps } = fakeChangeDeps({ atlas });
    const fetches: boolean[] = [];
    const credentialsFor = deps.credentials.credentialsFor.bind(deps.credentials);
    deps.credentials = {
      credentialsFor: (groupId, options) => {
        fetches.push(options?.refresh ?? false);
        return credentialsFor(groupId, options);
      },
    };
    expect((await submitChange(submission, deps, FAR)).change.state).toBe("IN_PROGRESS");
    expect(fetches).toEqual([false, false, true]); // planning read, refused PATCH, PATCH with the fresh secret
  });

  it("keeps the change RETRYING when the service account is still refused with a fresh secret", async () => {
    const { TokenEndpointError } = await import("../../../src/ports/AtlasPeeringApi.js");
    const atlas = new FakeAtlas(peer("INITIATING"));
    atlas.updatePeer = async () => {
      throw new TokenEndpointError(
        "token endpoint refused the client (401 invalid_client)",
        "TOKEN_REFUSED",
        false,
        401,
      );
    };
    const { deps, scheduler } = fakeChangeDeps({ atlas });
    const result = await submitChange(submission, deps, FAR);
    expect(result.change.state).toBe("RETRYING");
    expect(result.kind === "created" && result.error).toBeInstanceOf(TokenEndpointError);
    expect(scheduler.scheduled).toHaveLength(1);
  });
});
