import { describe, expect, it } from "vitest";
import type { DeliveredEvent } from "../../../local/aws/eventBridge.js";
import { publishedOn, toPublishedEvent } from "../../../local/publishedEvents.js";

function delivered(fields: Partial<DeliveredEvent>): DeliveredEvent {
  return {
    version: "0",
    id: "b5a3d1c2-0000-4000-8000-000000000001",
    "detail-type": "Peering Change State Changed",
    source: "atlas-peering-gateway",
    account: "123456789012",
    time: "2026-11-28T12:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail: { id: "chg-1", state: "WAITING_FOR_USER" },
    eventBusName: "atlas-peering-gateway-local",
    ...fields,
  };
}

describe("the gateway's published events, read back from the EventBridge emulator", () => {
  it("reads a state change and a rejection with their own detail-type, source, time and detail", () => {
    const rejection = { reason: "nope", errors: [], event: { id: "e-1" } };
    expect(toPublishedEvent(delivered({}))).toEqual({
      source: "atlas-peering-gateway",
      detailType: "Peering Change State Changed",
      time: "2026-11-28T12:00:00Z",
      detail: { id: "chg-1", state: "WAITING_FOR_USER" },
    });
    expect(
      toPublishedEvent(delivered({ "detail-type": "Peering Change Rejected", detail: rejection })),
    ).toEqual({
      source: "atlas-peering-gateway",
      detailType: "Peering Change Rejected",
      time: "2026-11-28T12:00:00Z",
      detail: rejection,
    });
  });

  it("ignores what the gateway did not publish: request events, other senders, other detail-types", () => {
    expect(toPublishedEvent(delivered({ source: "local.automation" }))).toBeUndefined();
    expect(
      toPublishedEvent(delivered({ "detail-type": "Peering Change Requested", source: "local.automation" })),
    ).toBeUndefined();
    expect(toPublishedEvent(delivered({ "detail-type": "Something Else" }))).toBeUndefined();
  });

  it("lists the gateway's events of one bus, oldest first", () => {
    const events = [
      delivered({ detail: { id: "a" } }),
      delivered({ detail: { id: "other-bus" }, eventBusName: "default" }),
      delivered({ detail: { id: "request" }, source: "local.automation" }),
      delivered({ detail: { id: "b" }, "detail-type": "Peering Change Rejected" }),
    ];
    expect(publishedOn(events, "atlas-peering-gateway-local").map((e) => [e.detailType, e.detail])).toEqual([
      ["Peering Change State Changed", { id: "a" }],
      ["Peering Change Rejected", { id: "b" }],
    ]);
  });
});
