import { describe, expect, it } from "vitest";
import { isTerminal, readPeerStatus, stateForPeer } from "../../../src/domain/peering/status.js";

describe("peer status", () => {
  it.each([
    [{ providerName: "AWS", statusName: "INITIATING", errorStateName: null }, "IN_PROGRESS"],
    [{ providerName: "AWS", statusName: "PENDING_ACCEPTANCE", connectionId: "pcx-1" }, "WAITING_FOR_USER"],
    [{ providerName: "AWS", statusName: "FINALIZING" }, "IN_PROGRESS"],
    [{ providerName: "AWS", statusName: "AVAILABLE" }, "SUCCEEDED"],
    [{ providerName: "AWS", statusName: "FAILED", errorStateName: "REJECTED" }, "FAILED"],
    [{ providerName: "AWS", statusName: "TERMINATING" }, "FAILED"],
    [{ providerName: "GCP", status: "ADDING_PEER", errorMessage: null }, "IN_PROGRESS"],
    [{ providerName: "GCP", status: "WAITING_FOR_USER" }, "WAITING_FOR_USER"],
    [{ providerName: "GCP", status: "AVAILABLE" }, "SUCCEEDED"],
    [{ providerName: "AZURE", status: "DELETION_FAILED" }, "FAILED"],
    [{ providerName: "AZURE", status: "ADDING_PEER", errorState: "subscription unreachable" }, "FAILED"],
    [{ providerName: "AWS", statusName: "SOMETHING_NEW" }, "IN_PROGRESS"],
  ])("maps %j to %s", (body, state) => {
    expect(stateForPeer(readPeerStatus(body))).toBe(state);
  });

  it("reads through Atlas's envelope", () => {
    const peer = readPeerStatus({
      status: 200,
      content: { statusName: "PENDING_ACCEPTANCE", connectionId: "pcx-9" },
    });
    expect(peer).toEqual({ status: "PENDING_ACCEPTANCE", connectionId: "pcx-9" });
  });

  it("knows which states are terminal", () => {
    expect(
      ["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"].every((s) => isTerminal(s as never)),
    ).toBe(true);
    expect(["RETRYING", "IN_PROGRESS", "WAITING_FOR_USER"].some((s) => isTerminal(s as never))).toBe(false);
  });
});
