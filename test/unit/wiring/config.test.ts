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

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      atlasBaseUrl: "https://cloud.mongodb.com",
      secretsMaxAgeSeconds: 300,
      atlasSecretIdsByProject: {},
      signatureToleranceSeconds: 300,
      maxBodyBytes: 16_384,
      retry: { maxAttempts: 4 },
      eventBusName: "default",
      cadence: { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 },
      sweepGraceMs: 120_000,
    });
  });

  it("reads a per-project secret map", () => {
    const config = loadConfig({
      ...minimal,
      ATLAS_SECRET_IDS_BY_PROJECT: '{"5f1e2d3c4b5a69788796a5b4":"gw/team-a"}',
    });
    expect(config.atlasSecretIdsByProject).toEqual({ "5f1e2d3c4b5a69788796a5b4": "gw/team-a" });
  });

  it("accepts fractional seconds, so the local stack can run the cadence fast", () => {
    const config = loadConfig({ ...minimal, RECHECK_DELAY_SECONDS: "0.5", CHANGE_DEADLINE_HOURS: "0.01" });
    expect(config.cadence).toMatchObject({ recheckDelayMs: 500, deadlineMs: 36_000 });
  });

  it("names every missing or malformed variable at once", () => {
    const attempt = () =>
      loadConfig({ SECRETS_MAX_AGE_SECONDS: "soon", ATLAS_SECRET_IDS_BY_PROJECT: "{oops" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ATLAS_SECRET_ID.*CALLERS_SECRET_ID|CALLERS_SECRET_ID.*ATLAS_SECRET_ID/);
    expect(attempt).toThrow(/SECRETS_MAX_AGE_SECONDS/);
    expect(attempt).toThrow(/ATLAS_SECRET_IDS_BY_PROJECT/);
  });
});
