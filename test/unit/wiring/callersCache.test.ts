import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hashToken } from "../../../src/access/signature.js";
import { awsDeps } from "../../../src/wiring/aws.js";
import { ConfigError, loadConfig } from "../../../src/wiring/config.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const env = {
  ATLAS_SECRET_ID: "gw/atlas",
  CALLERS_SECRET_ID: "gw/callers",
  CHANGES_TABLE: "gw-changes",
  SCHEDULE_GROUP: "gw",
  RECHECK_FUNCTION_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/gw-scheduler",
  RECHECK_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:gw-recheck-dlq",
  AWS_REGION: "eu-west-1",
  POWERTOOLS_LOG_LEVEL: "SILENT",
};
const sm = mockClient(SecretsManagerClient);

function reads(secretId: string): number {
  return sm.commandCalls(GetSecretValueCommand).filter((c) => c.args[0].input.SecretId === secretId).length;
}

describe("the callers registry's own, shorter cache", () => {
  beforeEach(() => {
    sm.reset();
    sm.on(GetSecretValueCommand, { SecretId: "gw/callers" }).resolves({
      SecretString: JSON.stringify({
        callers: [{ id: "ci", tokenSha256: [hashToken("t-0123456789")], projects: [{ groupId: "*" }] }],
      }),
    });
    sm.on(GetSecretValueCommand, { SecretId: "gw/atlas" }).resolves({
      SecretString: JSON.stringify({ publicKey: "pub", privateKey: "cache-test-private-key" }),
    });
    vi.useFakeTimers({ toFake: ["Date"], now: 1_764_331_200_000 });
  });
  afterEach(() => vi.useRealTimers());

  it("re-reads the registry after 60 s by default, while the Atlas keys stay cached for 300 s", async () => {
    const deps = awsDeps(env);
    await deps.callers.registry();
    await deps.credentials.credentialsFor(GROUP);
    vi.advanceTimersByTime(61_000);
    await deps.callers.registry();
    await deps.credentials.credentialsFor(GROUP);
    expect(reads("gw/callers")).toBe(2);
    expect(reads("gw/atlas")).toBe(1);
  });

  it("takes CALLERS_MAX_AGE_SECONDS, independent of SECRETS_MAX_AGE_SECONDS, and refuses more than 60", () => {
    expect(loadConfig(env)).toMatchObject({ callersMaxAgeSeconds: 60, secretsMaxAgeSeconds: 300 });
    const set = loadConfig({ ...env, CALLERS_MAX_AGE_SECONDS: "15", SECRETS_MAX_AGE_SECONDS: "900" });
    expect(set).toMatchObject({ callersMaxAgeSeconds: 15, secretsMaxAgeSeconds: 900 });
    expect(() => loadConfig({ ...env, CALLERS_MAX_AGE_SECONDS: "300" })).toThrow(ConfigError);
  });

  it("reads the default change rate limit and its env vars", () => {
    expect(loadConfig(env).rateLimit).toEqual({ perMinute: 30, burst: 10 });
    const set = loadConfig({ ...env, RATE_LIMIT_PER_MINUTE: "120", RATE_LIMIT_BURST: "20" });
    expect(set.rateLimit).toEqual({ perMinute: 120, burst: 20 });
  });
});
