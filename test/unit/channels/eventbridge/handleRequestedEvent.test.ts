import { describe, expect, it } from "vitest";
import type { Caller } from "../../../../src/access/callers.js";
import { handleRequestedEvent } from "../../../../src/channels/eventbridge/handleRequestedEvent.js";
import { CHANGE_EVENT_SOURCE, REQUESTED_DETAIL_TYPE } from "../../../../src/ports/ChangeNotifications.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { FakeAtlas } from "../../../helpers/fakes.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const PEER = "6a0b1c2d3e4f5a6b7c8d9e0f";
const PIPELINE_ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "444455556666";
const PEERING = {
  providerName: "AWS",
  accepterRegionName: "us-east-1",
  awsAccountId: "358363220050",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.15.0.0/24",
  vpcId: "vpc-0123456789abcdef0",
};

const caller = (id: string, source: string, account?: string): Caller => ({
  id,
  tokenSha256: [],
  signingSecrets: [],
  projects: [{ groupId: "*" }],
  identities: { eventbridge: [account === undefined ? { source } : { source, account }] },
});

/** A registry that even maps the gateway's own source to a caller: a mistake the events function survives. */
const REGISTRY = {
  callers: [
    caller("network-pipeline", "com.example.network-pipeline", PIPELINE_ACCOUNT),
    caller("impostor", CHANGE_EVENT_SOURCE),
  ],
};

function requested(source: string, account: string) {
  return {
    version: "0",
    id: `evt-${source}-${account}`,
    "detail-type": REQUESTED_DETAIL_TYPE,
    source,
    account,
    time: "2026-11-28T12:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail: { groupId: GROUP, peerId: PEER, peering: PEERING },
  };
}

async function handle(source: string, account: string) {
  const atlas = new FakeAtlas();
  const fake = fakeChangeDeps({ atlas, registry: REGISTRY });
  const outcome = await handleRequestedEvent(requested(source, account), fake.deps, fake.time() + 20_000);
  return { outcome, atlas, ...fake };
}

describe("handleRequestedEvent: who may request a change by event", () => {
  it("refuses an event under the gateway's own source, whoever the registry maps it to", async () => {
    const { outcome, events, store, atlas, audit } = await handle(CHANGE_EVENT_SOURCE, PIPELINE_ACCOUNT);
    expect(outcome).toEqual({ kind: "rejected", reason: "the event claims the gateway's own source" });
    expect(events.rejections).toEqual([
      {
        reason: "the event claims the gateway's own source",
        errors: [
          { path: "source", message: `must not be the gateway's own source "${CHANGE_EVENT_SOURCE}"` },
        ],
        event: {
          id: `evt-${CHANGE_EVENT_SOURCE}-${PIPELINE_ACCOUNT}`,
          source: CHANGE_EVENT_SOURCE,
          account: PIPELINE_ACCOUNT,
        },
      },
    ]);
    expect(store.changes.size).toBe(0);
    expect(atlas.calls).toEqual([]);
    // Refused before any caller is chosen: the audit names none.
    const [record] = audit.withOutcome("refused", "event rejected");
    expect(record).toBeDefined();
    expect(record).not.toHaveProperty("callerId");
  });

  it("refuses a source bound to one account when the event comes from another", async () => {
    const { outcome, events, store, atlas } = await handle("com.example.network-pipeline", OTHER_ACCOUNT);
    expect(outcome).toEqual({
      kind: "rejected",
      reason: "no caller is registered for this event source and account",
    });
    expect(events.rejections.map((r) => r.event)).toEqual([
      {
        id: `evt-com.example.network-pipeline-${OTHER_ACCOUNT}`,
        source: "com.example.network-pipeline",
        account: OTHER_ACCOUNT,
      },
    ]);
    expect(store.changes.size).toBe(0);
    expect(atlas.calls).toEqual([]);
  });

  it("submits the change when the source comes from the account it is bound to", async () => {
    const { outcome, events, store } = await handle("com.example.network-pipeline", PIPELINE_ACCOUNT);
    expect(outcome).toMatchObject({ kind: "submitted" });
    expect(events.rejections).toEqual([]);
    expect([...store.changes.values()].map((c) => c.callerId)).toEqual(["network-pipeline"]);
  });
});
