import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../../src/adapters/aws/dynamodb/codec.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { OPERATION_RULES, operationOf, READ_PEER } from "../../../src/domain/change/operations.js";

const RECORD: ChangeRecord = {
  id: "c1",
  version: 1,
  callerId: "ci",
  channel: "slack",
  groupId: "5f1e2d3c4b5a69788796a5b4",
  peerId: "5f1e2d3c4b5a69788796a5c1",
  provider: "AWS",
  operation: "update",
  apiVersion: "v2",
  query: {},
  desired: '{"routeTableCidrBlock":"10.9.0.0/21"}',
  replyTo: { channel: "slack", url: "https://hooks.slack.com/commands/T1/1/abc" },
  state: "RETRYING",
  atlas: {},
  attempt: 0,
  waitingChecks: 0,
  deadline: 2,
  history: [],
  createdAt: 1,
  updatedAt: 1,
};

describe("the explicit operation of a change", () => {
  it("sends an update as a PATCH of the desired body, and reads the peer with a GET", () => {
    expect(OPERATION_RULES.update.send(RECORD)).toEqual({ method: "PATCH", body: RECORD.desired });
    expect(READ_PEER).toEqual({ method: "GET" });
    expect(OPERATION_RULES.update.stateForPeer({ status: "AVAILABLE" })).toBe("SUCCEEDED");
    expect(OPERATION_RULES.update.stateForPeer({ status: "PENDING_ACCEPTANCE" })).toBe("WAITING_FOR_USER");
  });

  it("round-trips through the store, and records written before operations existed are updates", () => {
    expect(decodeChange(encodeChange(RECORD))).toEqual(RECORD);
    const { operation: _dropped, replyTo: _reply, ...legacy } = encodeChange(RECORD);
    const old = decodeChange({ ...legacy, slackResponseUrl: "https://hooks.slack.com/commands/T1/1/abc" });
    expect(old.operation).toBe("update");
    expect(old.replyTo).toEqual({ channel: "slack", url: "https://hooks.slack.com/commands/T1/1/abc" });
    expect(() => operationOf({ operation: "delete" })).toThrow(/Unknown change operation "delete"/);
  });
});
