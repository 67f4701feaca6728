import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { AWS_REQUEST_LIFETIME_MS } from "../../../src/domain/change/expiry.js";
import type { CallbackDelivery } from "../../../src/ports/ChangeNotifications.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { deliverNotification } from "../../../src/usecases/deliverNotification.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const HOUR = 3_600_000;
const FAR = Number.MAX_SAFE_INTEGER;
const HOOK = "https://hooks.example.com/peering";
const RESPONSE_URL = "https://hooks.slack.com/commands/T0/1/expiry-capability-1";
const PCX = "pcx-0a1b2c3d4e5f60718";
const DESIRED = {
  awsAccountId: "123456789012",
  vpcId: "vpc-0123456789abcdef0",
  accepterRegionName: "us-east-1",
};

/** A Slack change with a callback whose peer stays PENDING_ACCEPTANCE: nobody accepts the request. */
function unacceptedChange() {
  const registry = testRegistry();
  const caller: Caller = {
    ...(registry.callers[0] as Caller),
    callbackSecret: "whsec_dGVzdC1jYWxsYmFjay1zZWNyZXQ=",
    callbackHosts: ["hooks.example.com"],
  };
  registry.callers[0] = caller;
  const body = JSON.stringify({ ...DESIRED, statusName: "PENDING_ACCEPTANCE", connectionId: PCX });
  const fake = fakeChangeDeps({ atlas: new FakeAtlas({ status: 200, body }), registry });
  const callbacks: CallbackDelivery[] = [];
  fake.deps.callbacks = {
    deliver: async (delivery) => {
      callbacks.push(delivery);
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
  return { ...fake, submission, callbacks };
}

type Fake = ReturnType<typeof unacceptedChange>;

/** Re-checks the change at `at` (the clock moved there) and delivers what the check wrote to the outbox. */
async function checkAt(fake: Fake, changeId: string, at: number) {
  fake.advance(at - fake.time());
  const before = fake.store.changes.get(changeId);
  await recheckChange({ changeId, attempt: before?.attempt ?? 0 }, fake.deps, FAR);
  const after = fake.store.changes.get(changeId);
  const written = after ? fake.store.outbox.items.size : 0;
  if (after && written > 0)
    await deliverNotification({ changeId, version: after.version }, "event", fake.deps, FAR);
  return after;
}

describe("expiry warnings through the outbox", () => {
  it("reach the event bus, the signed callback and the Slack reply 24 h and 1 h before, once each", async () => {
    const fake = unacceptedChange();
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    expect(change.state).toBe("WAITING_FOR_USER");
    await deliverNotification({ changeId: change.id, version: change.version }, "event", fake.deps, FAR);
    const acceptBy = fake.store.changes.get(change.id)?.acceptance?.acceptBy ?? 0;
    expect(acceptBy).toBe(fake.time() + AWS_REQUEST_LIFETIME_MS);

    for (const at of [acceptBy - 25 * HOUR, acceptBy - 24 * HOUR + 60_000, acceptBy - 23 * HOUR])
      await checkAt(fake, change.id, at);
    for (const at of [acceptBy - HOUR + 60_000, acceptBy - 30 * 60_000]) await checkAt(fake, change.id, at);

    const warnings = fake.events.notifications.filter((n) => n.warning !== undefined);
    expect(warnings.map((n) => n.warning?.hoursLeft)).toEqual([24, 1]);
    expect(warnings[0]?.warning).toMatchObject({
      acceptBy: new Date(acceptBy).toISOString(),
      from: "estimate",
      connectionId: PCX,
    });
    const ids = fake.events.notifications.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);

    const expiring = fake.callbacks.filter(
      (c) => (c.payload as { type: string }).type === "peering.change.expiring",
    );
    expect(
      expiring.map((c) => (c.payload as { data: { warning: { hoursLeft: number } } }).data.warning.hoursLeft),
    ).toEqual([24, 1]);
    expect(expiring.map((c) => c.messageId)).toEqual(warnings.map((n) => n.id));
    const firstData = (expiring[0]?.payload ?? {}) as { data?: { acceptBy?: string } };
    expect(firstData.data?.acceptBy).toBe(new Date(acceptBy).toISOString());

    const slackTexts = fake.slackReplies.posts.map((p) => JSON.stringify(p.message));
    expect(slackTexts.filter((t) => t.includes(`⏳ ${PCX} expires in 1 h`))).toHaveLength(1);
    expect(slackTexts.filter((t) => t.includes(`⏳ ${PCX} expires in 24 h`))).toHaveLength(1);
    expect(slackTexts.at(-1)).toContain("accept it in AWS account 123456789012, region us-east-1");
    expect(fake.store.outbox.items.size).toBe(0);
  });

  it("end with the change FAILED, said plainly and announced, once the request lapsed unaccepted", async () => {
    const fake = unacceptedChange();
    const { change } = await submitChange(fake.submission, fake.deps, FAR);
    const acceptBy = fake.store.changes.get(change.id)?.acceptance?.acceptBy ?? 0;
    const ended = await checkAt(fake, change.id, acceptBy + HOUR);
    expect(ended).toMatchObject({ state: "FAILED", atlas: { errorCode: "PEERING_REQUEST_EXPIRED" } });
    expect(ended?.history.at(-1)?.note).toContain("the AWS peering request expired unaccepted after 7 days");
    const last = fake.events.events.at(-1);
    expect(last).toMatchObject({ state: "FAILED" });
    expect(last?.remediation).toContain("send the change again with both awsAccountId and vpcId");
  });
});
