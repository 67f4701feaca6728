import { describe, expect, it } from "vitest";
import { checkConfig, loadConfig } from "../../../src/wiring/config.js";

/** PEER_EVENT_ACCOUNTS and RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS → the cadence's `eventCovered`. */

const minimal = {
  ATLAS_SECRET_ID: "gw/atlas",
  CALLERS_SECRET_ID: "gw/callers",
  CHANGES_TABLE: "gw-changes",
  SCHEDULE_GROUP: "gw",
  RECHECK_FUNCTION_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/gw-scheduler",
  RECHECK_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:gw-recheck-dlq",
};

describe("event-covered accounts in the configuration", () => {
  it("covers no account by default, nor with the stack's empty peerAccountIds", () => {
    expect(loadConfig(minimal).cadence.eventCovered).toBeUndefined();
    expect(loadConfig({ ...minimal, PEER_EVENT_ACCOUNTS: "" }).cadence.eventCovered).toBeUndefined();
  });

  it("reads the accounts and the covered ceiling (default 1800 s)", () => {
    const config = loadConfig({ ...minimal, PEER_EVENT_ACCOUNTS: "111122223333,444455556666" });
    expect(config.cadence.eventCovered).toEqual({
      accountIds: ["111122223333", "444455556666"],
      waitMaxMs: 1_800_000,
    });
    const custom = loadConfig({
      ...minimal,
      PEER_EVENT_ACCOUNTS: "111122223333",
      RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS: "900",
    });
    expect(custom.cadence.eventCovered?.waitMaxMs).toBe(900_000);
  });

  it("names a malformed account list or ceiling", () => {
    const issues = checkConfig({
      ...minimal,
      PEER_EVENT_ACCOUNTS: "111122223333, 12345",
      RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS: "-5",
    });
    expect(issues.map((i) => i.variable).sort()).toEqual([
      "PEER_EVENT_ACCOUNTS",
      "RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS",
    ]);
  });
});
