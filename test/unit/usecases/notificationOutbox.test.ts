import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import type { CallbackDelivery, DeliveryResult } from "../../../src/ports/ChangeNotifications.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { deliverNotification } from "../../../src/usecases/deliverNotification.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { sweepOverdue } from "../../../src/usecases/sweepOverdue.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const DESIRED = { vpcId: "vpc-0123456789abcdef0" };
const FAR = Number.MAX_SAFE_INTEGER;
const HOOK = "https://hooks.example.com/peering";

function withCallbacks() {
  const registry = testRegistry();
  const caller: Caller = {
    ...(registry.callers[0] as Caller),
    callbackSecret: "whsec_dGVzdC1jYWxsYmFjay1zZWNyZXQ=",
    callbackHosts: ["hooks.example.com"],
  };
  registry.callers[0] = caller;
  const atlas = new FakeAtlas({ status: 200, body: JSON.stringify({ statusName: "AVAILABLE", ...DESIRED }) });
  const fake = fakeChangeDeps({ atlas, registry });
  const submission: ChangeSubmission = {
    caller,
    channel: "http",
    call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
    provider: "AWS",
    body: JSON.stringify(DESIRED),
    requestId: "req-1",
    callbackUrl: HOOK,
  };
  return { ...fake, caller, registry, submission };
}

/** A callback receiver answering from a script; records every attempt. */
function scripted(fake: ReturnType<typeof withCallbacks>, ...answers: DeliveryResult[]) {
  const attempts: CallbackDelivery[] = [];
  fake.deps.callbacks = {
    deliver: async (delivery) => {
      attempts.push(delivery);
      return answers.shift() ?? { delivered: true, retryable: false, lastOutcome: "200" };
    },
  };
  return attempts;
}

describe("notifications go through the outbox, outside the request path", () => {
  it("are written with the state; the request delivers no callback; the event proves itself", async () => {
    const fake = withCallbacks();
    const attempts = scripted(fake);
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    expect(change.state).toBe("SUCCEEDED");
    expect(attempts).toEqual([]);
    const [pending] = [...fake.store.outbox.items.values()];
    expect(pending).toMatchObject({
      changeId: change.id,
      version: change.version,
      pending: ["event", "callback"],
    });
    expect(fake.events.notifications).toEqual([
      { changeId: change.id, version: change.version, id: `msg_${change.id}_${change.version}` },
    ]);
    const ref = { changeId: change.id, version: change.version };
    expect(await deliverNotification(ref, "event", fake.deps, FAR)).toMatchObject({
      kind: "attempted",
      done: true,
    });
    expect(attempts.map((a) => [a.url, a.messageId])).toEqual([[HOOK, `msg_${change.id}_${change.version}`]]);
    expect(fake.store.outbox.items.size).toBe(0);
  });

  it("retry a failing callback with backoff under the same webhook-id and timestamp, and give up after 24 h", async () => {
    const fake = withCallbacks();
    const down = { delivered: false, retryable: true, lastOutcome: "TIMEOUT" };
    const attempts = scripted(fake, ...Array.from({ length: 40 }, () => down));
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    const ref = { changeId: change.id, version: change.version };
    await deliverNotification(ref, "event", fake.deps, FAR);
    const gaps: number[] = [];
    let last = fake.time();
    for (let round = 0; round < 40 && fake.store.outbox.items.size > 0; round++) {
      const [next] = [...fake.store.outbox.items.values()];
      if (!next) break;
      fake.advance(next.dueAt - fake.time());
      gaps.push(fake.time() - last);
      last = fake.time();
      expect(await sweepOverdue(fake.deps, { graceMs: 0, limit: 10 }, FAR)).toMatchObject({ redriven: 1 });
      await deliverNotification(ref, "redrive", fake.deps, FAR);
    }
    expect(fake.store.outbox.items.size).toBe(0);
    expect(new Set(attempts.map((a) => a.messageId)).size).toBe(1);
    expect(new Set(attempts.map((a) => JSON.stringify(a.payload))).size).toBe(1);
    // Doubling from about a minute, capped at two hours; about a day in all.
    expect(gaps[0]).toBeGreaterThanOrEqual(30_000);
    expect(gaps.every((gap, i) => i === 0 || gap >= (gaps[i - 1] ?? 0) || gap >= 3_600_000)).toBe(true);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * 3_600_000);
    expect(last - change.updatedAt).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(attempts.length).toBeLessThan(30);
  });

  it("re-check the allowlist at delivery: a host removed since is never called", async () => {
    const fake = withCallbacks();
    const attempts = scripted(fake);
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    fake.registry.callers[0] = { ...fake.caller, callbackHosts: ["other.example.com"] };
    const outcome = await deliverNotification(
      { changeId: change.id, version: change.version },
      "event",
      fake.deps,
      FAR,
    );
    expect(outcome).toMatchObject({
      kind: "attempted",
      done: true,
      results: { callback: { delivered: false } },
    });
    expect(attempts).toEqual([]);
  });

  it("deliver one attempt once: a second invocation while the first delivers keeps off", async () => {
    const fake = withCallbacks();
    let release: () => void = () => undefined;
    let calls = 0;
    fake.deps.callbacks = {
      deliver: async () => {
        calls++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { delivered: true, retryable: false, lastOutcome: "200" };
      },
    };
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    const ref = { changeId: change.id, version: change.version };
    const first = deliverNotification(ref, "event", fake.deps, FAR);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await deliverNotification(ref, "redrive", fake.deps, FAR)).toMatchObject({ kind: "skipped" });
    release();
    expect(await first).toMatchObject({ kind: "attempted", done: true });
    expect(calls).toBe(1);
  });

  it("re-drive an event the writer could not publish", async () => {
    const fake = withCallbacks();
    scripted(fake);
    fake.deps.events.publish = async () => Promise.reject(new Error("EventBridge down"));
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    expect(fake.store.outbox.items.size).toBe(1);
    fake.advance(60_000);
    expect(await sweepOverdue(fake.deps, { graceMs: 0, limit: 10 }, FAR)).toMatchObject({ redriven: 1 });
    const published: string[] = [];
    fake.deps.events.publish = async (view) => {
      published.push(view.id);
    };
    const ref = { changeId: change.id, version: change.version };
    expect(await deliverNotification(ref, "redrive", fake.deps, FAR)).toMatchObject({
      kind: "attempted",
      done: true,
    });
    expect(published).toEqual([change.id]);
  });
});
