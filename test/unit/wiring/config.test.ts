import { describe, expect, it } from "vitest";
import { ConfigError, checkConfig, loadConfig } from "../../../src/wiring/config.js";

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

  it("says a missing variable is required, naming each one", () => {
    const attempt = () => loadConfig({});
    expect(attempt).toThrow(ConfigError);
    for (const name of ["ATLAS_SECRET_ID", "CALLERS_SECRET_ID", "CHANGES_TABLE", "RECHECK_FUNCTION_ARN"]) {
      expect(attempt).toThrow(`${name}: is required`);
    }
    expect(attempt).not.toThrow(/Invalid input|undefined/);
  });

  it("says what form a malformed variable needs, without quoting its value", () => {
    const issues = checkConfig({
      ...minimal,
      ATLAS_BASE_URL: "ftp://x",
      CHANGE_DEADLINE_HOURS: "abc",
      RECHECK_DELAY_SECONDS: "-1",
      ATLAS_MAX_ATTEMPTS: "1.5",
      SIGNATURE_TOLERANCE_SECONDS: "99999",
      CHANGES_TABLE: "",
      RECHECK_DLQ_ARN: "queue",
    });
    expect(Object.fromEntries(issues.map((i) => [i.variable, i.message]))).toEqual({
      ATLAS_BASE_URL: "must be an http:// or https:// URL",
      CHANGE_DEADLINE_HOURS: "must be a number",
      RECHECK_DELAY_SECONDS: "must be a positive number",
      ATLAS_MAX_ATTEMPTS: "must be a whole number",
      SIGNATURE_TOLERANCE_SECONDS: "must be at most 3600",
      CHANGES_TABLE: "must be at least 3 characters long",
      RECHECK_DLQ_ARN: "must be an ARN",
    });
    expect(JSON.stringify(issues)).not.toMatch(/ftp:|abc|queue/);
  });

  it("finds nothing wrong with an environment loadConfig accepts", () => {
    expect(checkConfig(minimal)).toEqual([]);
  });
});
