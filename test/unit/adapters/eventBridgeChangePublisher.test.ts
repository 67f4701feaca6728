import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventBridgeChangePublisher } from "../../../src/adapters/aws/EventBridgeChangePublisher.js";
import type { ChangeView } from "../../../src/domain/change/view.js";
import { GatewayError } from "../../../src/domain/errors.js";
import type { ChangeRejection } from "../../../src/ports/ChangeNotifications.js";
import { EventPublishError } from "../../../src/ports/ChangeNotifications.js";

const eventBridge = mockClient(EventBridgeClient);

const VIEW: ChangeView = {
  id: "0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f",
  state: "WAITING_FOR_USER",
  groupId: "5f1e2d3c4b5a69788796a5b4",
  peerId: "5f1e2d3c4b5a69788796a5c1",
  provider: "AWS",
  correlationId: "req-1",
  apiVersion: "v2",
  callerId: "ci-pipeline",
  channel: "http",
  desired: { routeTableCidrBlock: "10.15.0.0/24", detailMarker: "DETAIL-MARKER-7f3a" },
  atlas: { status: "PENDING_ACCEPTANCE", connectionId: "pcx-0123456789abcdef0", httpStatus: 200 },
  attempt: 2,
  nextCheckAt: "2026-11-28T12:01:00.000Z",
  deadline: "2026-12-05T12:00:00.000Z",
  createdAt: "2026-11-28T12:00:00.000Z",
  updatedAt: "2026-11-28T12:00:30.000Z",
  history: [{ at: "2026-11-28T12:00:00.000Z", from: null, to: "IN_PROGRESS" }],
  nextAction: "Accept the peering connection pcx-0123456789abcdef0 in AWS account 123456789012.",
  links: { self: "/v1/peering-changes/0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f" },
};

/** Which notification the event announces (the outbox entry of version 3). */
const REF = { changeId: VIEW.id, version: 3, id: `msg_${VIEW.id}_3` };

function publisher() {
  return new EventBridgeChangePublisher({
    client: new EventBridgeClient({ region: "eu-west-1" }),
    eventBusName: "gw-events",
  });
}

async function failure(promise: Promise<unknown>): Promise<EventPublishError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EventPublishError);
  expect(error).toBeInstanceOf(GatewayError);
  return error as EventPublishError;
}

describe("EventBridgeChangePublisher", () => {
  beforeEach(() => eventBridge.reset());

  it("puts one event whose detail is the change view and the notification it announces", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    await publisher().publish(VIEW, REF);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Entries: [
        {
          Source: "atlas-peering-gateway",
          DetailType: "Peering Change State Changed",
          Detail: JSON.stringify({ ...VIEW, notificationId: REF.id, version: REF.version }),
          EventBusName: "gw-events",
          Resources: [],
        },
      ],
    });
  });

  it("fails with the entry's error code, not the detail, when EventBridge refused the entry", async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "failed: DETAIL-MARKER-7f3a" }],
    });
    const error = await failure(publisher().publish(VIEW, REF));
    expect(error.message).toContain("InternalFailure");
    expect(error.message).toContain(VIEW.id);
    expect(error.message).not.toContain("DETAIL-MARKER-7f3a");
    expect(error.message).not.toContain("routeTableCidrBlock");
  });

  it("re-drives a notification with the gateway's own detail-type, naming only the change and version", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-2" }] });
    await publisher().requestDelivery({ changeId: VIEW.id, version: 4 });
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        Source: "atlas-peering-gateway",
        DetailType: "Peering Notification Due",
        Detail: JSON.stringify({ changeId: VIEW.id, version: 4 }),
        EventBusName: "gw-events",
        Resources: [],
      },
    ]);
  });

  it("wraps an SDK error with cause", async () => {
    const sdkError = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    eventBridge.on(PutEventsCommand).rejects(sdkError);
    const error = await failure(publisher().publish(VIEW, REF));
    expect(error.cause).toBe(sdkError);
    expect(error.message).toContain("ThrottlingException");
    expect(error.message).not.toContain("DETAIL-MARKER-7f3a");
  });
});

const REJECTION: ChangeRejection = {
  reason: "the event is not a valid peering change request",
  errors: [{ path: "detail.peering.vpcId", message: "must be vpc- followed by 17 lowercase hex characters" }],
  event: { id: "7bf73129-1428-4cd3-a780-95db273d1602", source: "com.example.ci", account: "123456789012" },
};

describe("EventBridgeChangePublisher.publishRejection", () => {
  beforeEach(() => eventBridge.reset());

  it("puts one Peering Change Rejected event on the same bus, from the gateway's source", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-2" }] });
    await publisher().publishRejection(REJECTION);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Entries: [
        {
          Source: "atlas-peering-gateway",
          DetailType: "Peering Change Rejected",
          Detail: JSON.stringify(REJECTION),
          EventBusName: "gw-events",
          Resources: [],
        },
      ],
    });
  });

  it("fails with the entry's error code and the rejected event's id, not the detail", async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "failed" }],
    });
    const error = await failure(publisher().publishRejection(REJECTION));
    expect(error.message).toBe(
      "EventBridge refused the rejection of event 7bf73129-1428-4cd3-a780-95db273d1602 on bus gw-events: InternalFailure.",
    );
  });

  it("wraps an SDK error with cause, and names an event without id as such", async () => {
    const sdkError = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    eventBridge.on(PutEventsCommand).rejects(sdkError);
    const error = await failure(publisher().publishRejection({ ...REJECTION, event: {} }));
    expect(error.cause).toBe(sdkError);
    expect(error.message).toBe(
      "Could not publish the rejection of event (without id) on bus gw-events: ThrottlingException.",
    );
  });
});
