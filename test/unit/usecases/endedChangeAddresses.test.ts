import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import {
  decodeNotification,
  encodeNotification,
} from "../../../src/adapters/aws/dynamodb/notificationCodec.js";
import { toView } from "../../../src/domain/change/view.js";
import type { CallbackDelivery } from "../../../src/ports/ChangeNotifications.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { deliverNotification } from "../../../src/usecases/deliverNotification.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const DESIRED = { vpcId: "vpc-0123456789abcdef0" };
const FAR = Number.MAX_SAFE_INTEGER;
const HOOK = "https://hooks.example.com/peering?token=cb-capability-9f3e#frag";
const RESPONSE_URL = "https://hooks.slack.com/commands/T0/1/slack-capability-77aa";

function endingChange() {
  const registry = testRegistry();
  const caller: Caller = {
    ...(registry.callers[0] as Caller),
    callbackSecret: "whsec_dGVzdC1jYWxsYmFjay1zZWNyZXQ=",
    callbackHosts: ["hooks.example.com"],
  };
  registry.callers[0] = caller;
  const atlas = new FakeAtlas({ status: 200, body: JSON.stringify({ statusName: "AVAILABLE", ...DESIRED }) });
  const fake = fakeChangeDeps({ atlas, registry });
  const attempts: CallbackDelivery[] = [];
  fake.deps.callbacks = {
    deliver: async (delivery) => {
      attempts.push(delivery);
      return { delivered: true, retryable: false, lastOutcome: "200" };
    },
  };
  const submission: ChangeSubmission = {
    caller,
    channel: "slack",
    call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
    provider: "AWS",
    body: JSON.stringify(DESIRED),
    requestId: "req-1",
    callbackUrl: HOOK,
    replyTo: { channel: "slack", url: RESPONSE_URL },
  };
  return { ...fake, submission, attempts };
}

describe("capability URLs once a change ends", () => {
  it("drops the reply address from the stored change; the notification keeps it and delivers the reply", async () => {
    const fake = endingChange();
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    expect(change.state).toBe("SUCCEEDED");
    const stored = fake.store.changes.get(change.id);
    expect(stored?.replyTo).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain("slack-capability-77aa");
    const [notification] = [...fake.store.outbox.items.values()];
    expect(notification?.replyTo).toEqual({ channel: "slack", url: RESPONSE_URL });
    expect(JSON.stringify(notification?.view)).not.toContain("slack-capability-77aa");
    await deliverNotification({ changeId: change.id, version: change.version }, "event", fake.deps, FAR);
    expect(fake.slackReplies.posts.map((p) => p.url)).toEqual([RESPONSE_URL]);
    expect(fake.attempts.map((a) => a.url)).toEqual([HOOK]);
  });

  it("shows the callback URL without its query string or fragment, in views and events", async () => {
    const fake = endingChange();
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    expect(toView(change).callbackUrl).toBe("https://hooks.example.com/peering");
    const [notification] = [...fake.store.outbox.items.values()];
    expect(notification?.view.callbackUrl).toBe("https://hooks.example.com/peering");
    expect(fake.events.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(fake.events.events)).not.toContain("cb-capability-9f3e");
  });

  it("keeps the delivery addresses through the DynamoDB outbox codec", async () => {
    const fake = endingChange();
    await submitChange(fake.submission, fake.deps, FAR);
    const [notification] = [...fake.store.outbox.items.values()];
    if (!notification) throw new Error("no notification");
    const decoded = decodeNotification(encodeNotification(notification));
    expect(decoded).toMatchObject({ callbackUrl: HOOK, replyTo: { channel: "slack", url: RESPONSE_URL } });
  });
});
