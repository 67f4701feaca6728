import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../../src/adapters/aws/dynamodb/codec.js";
import {
  decodeNotification,
  encodeNotification,
} from "../../../src/adapters/aws/dynamodb/notificationCodec.js";
import { EventBridgeChangePublisher } from "../../../src/adapters/aws/EventBridgeChangePublisher.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import type { ExpiryWarning } from "../../../src/domain/change/expiry.js";
import { newChange } from "../../../src/domain/change/newChange.js";
import { notificationFor } from "../../../src/domain/change/notification.js";
import { toView } from "../../../src/domain/change/view.js";

const eventBridge = mockClient(EventBridgeClient);
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const PCX = "pcx-0a1b2c3d4e5f60718";
const ACCEPT_BY = T0 + 7 * 24 * 3_600_000;

/** A change waiting on request PCX whose 24 h warning went out with version 5. */
function warned(): { previous: ChangeRecord; next: ChangeRecord } {
  const base = newChange(
    {
      id: "c1",
      callerId: "ci",
      channel: "http",
      operation: "update",
      groupId: "5f1e2d3c4b5a69788796a5b4",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      provider: "AWS",
      apiVersion: "v2",
      query: {},
      desired: '{"awsAccountId":"123456789012","accepterRegionName":"us-east-1"}',
    },
    T0,
    { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 10 * 24 * 3_600_000 },
    T0 + 30_000,
  );
  const previous: ChangeRecord = {
    ...base,
    version: 4,
    state: "WAITING_FOR_USER",
    atlas: { status: "PENDING_ACCEPTANCE", connectionId: PCX, httpStatus: 200 },
    acceptance: { acceptBy: ACCEPT_BY, from: "aws", seenAt: T0, connectionId: PCX, warned: [] },
  };
  const next: ChangeRecord = {
    ...previous,
    version: 5,
    acceptance: { ...(previous.acceptance as NonNullable<ChangeRecord["acceptance"]>), warned: [24] },
  };
  return { previous, next };
}

describe("the acceptance window and warnings in DynamoDB items", () => {
  it("survive a round trip: the change's window, the notification's warning", () => {
    const { previous, next } = warned();
    expect(decodeChange(encodeChange(next))).toStrictEqual(next);
    const notification = notificationFor(next, previous, ACCEPT_BY - 24 * 3_600_000);
    expect(notification?.warning).toMatchObject({ hoursLeft: 24, from: "aws", connectionId: PCX });
    expect(notification && decodeNotification(encodeNotification(notification))).toStrictEqual(notification);
  });
});

describe("the Peering Change Expiring event", () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
  });

  it("names the change, project, peer, request, acceptBy, hours left and the next action", async () => {
    const { previous, next } = warned();
    const notification = notificationFor(next, previous, ACCEPT_BY - 24 * 3_600_000);
    const warning = notification?.warning as ExpiryWarning;
    const publisher = new EventBridgeChangePublisher({
      client: new EventBridgeClient({ region: "eu-west-1" }),
      eventBusName: "gw-events",
    });
    await publisher.publish(toView(next), { changeId: next.id, version: 5, id: "msg_c1_5", warning });
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe("Peering Change Expiring");
    expect(JSON.parse(entry?.Detail ?? "{}")).toEqual({
      changeId: "c1",
      groupId: next.groupId,
      peerId: next.peerId,
      connectionId: PCX,
      acceptBy: new Date(ACCEPT_BY).toISOString(),
      acceptByFrom: "aws",
      hoursLeft: 24,
      message: expect.stringMatching(/^⏳ pcx-0a1b2c3d4e5f60718 expires in 24 h/),
      nextAction: expect.stringContaining(PCX),
      correlationId: "c1",
      notificationId: "msg_c1_5",
      version: 5,
    });
  });

  it("is not what a state announcement publishes", async () => {
    const { next } = warned();
    const publisher = new EventBridgeChangePublisher({
      client: new EventBridgeClient({ region: "eu-west-1" }),
      eventBusName: "gw-events",
    });
    await publisher.publish(toView(next), { changeId: next.id, version: 5, id: "msg_c1_5" });
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe("Peering Change State Changed");
    expect(JSON.parse(entry?.Detail ?? "{}")).toMatchObject({ acceptBy: new Date(ACCEPT_BY).toISOString() });
  });
});
