import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/wiring/config.js";

const minimal = {
  ATLAS_SECRET_ID: "gw/atlas",
  CALLERS_SECRET_ID: "gw/callers",
  CHANGES_TABLE: "gw-changes",
  SCHEDULE_GROUP: "gw",
  RECHECK_FUNCTION_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/gw-scheduler",
  RECHECK_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:gw-recheck-dlq",
};

describe("ATLAS_RATE_BUDGET", () => {
  it("is on by default, sized from Atlas, with a 500 ms guard", () => {
    expect(loadConfig(minimal).atlasRateBudget).toEqual({ guardMs: 500 });
  });

  it("takes a fallback size, or turns the budget off", () => {
    const sized = loadConfig({
      ...minimal,
      ATLAS_RATE_BUDGET: "100/100/60",
      ATLAS_RATE_BUDGET_GUARD_MS: "50",
    });
    expect(sized.atlasRateBudget).toEqual({
      guardMs: 50,
      fallback: { capacity: 100, refill: 100, seconds: 60 },
    });
    expect(loadConfig({ ...minimal, ATLAS_RATE_BUDGET: "off" }).atlasRateBudget).toBeUndefined();
  });

  it("refuses a malformed size, naming the variable", () => {
    expect(() => loadConfig({ ...minimal, ATLAS_RATE_BUDGET: "10/20/60" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...minimal, ATLAS_RATE_BUDGET: "lots" })).toThrow(/ATLAS_RATE_BUDGET/);
  });
});
