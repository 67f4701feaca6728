import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  METRICS_NAMESPACE,
  PowertoolsChangeMetrics,
  STAGE_DIMENSION,
} from "../../../src/adapters/aws/PowertoolsChangeMetrics.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { loadConfig } from "../../../src/wiring/config.js";

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const change = {
  id: "c1",
  state: "SUCCEEDED",
  channel: "http",
  createdAt: T0,
  updatedAt: T0 + 60_000,
  history: [{ at: new Date(T0).toISOString(), from: null, to: "SUCCEEDED" }],
} as unknown as ChangeRecord;

/** Captures stdout while `work` runs and returns the EMF documents written. */
async function emf(work: () => void | Promise<void>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  await work();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every sample the adapter can write, once each. */
function everySample(metrics: PowertoolsChangeMetrics): void {
  metrics.stateEntered(change);
  metrics.settled(change);
  metrics.pending(change, T0 + 5_000);
  metrics.atlasCall({ operation: "PATCH", status: 503, latencyMs: 9, attempts: 2 });
  metrics.atlasCall({ operation: "GET", status: 401, latencyMs: 5, attempts: 1, credentialsRefused: true });
}

/** The dimension names of an EMF document's single dimension set. */
const dimensionsOf = (doc: Record<string, unknown>) =>
  (doc._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }).CloudWatchMetrics[0]?.Dimensions[0];

const eager = (stage?: string) =>
  new PowertoolsChangeMetrics({
    serviceName: "atlas-peering-gateway",
    stage,
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: "atlas-peering-gateway" }),
  });

afterEach(() => vi.restoreAllMocks());

describe("the Stage dimension of the change metrics", () => {
  it("is on every metric, beside service, so stages sharing an account never share an alarm", async () => {
    const docs = await emf(() => everySample(eager("prod")));
    const names = docs.flatMap((d) => Object.keys(d).filter((k) => k !== "_aws" && typeof d[k] === "number"));
    expect(names).toEqual(
      expect.arrayContaining([
        "ChangeStateEntered",
        "TimeToSettle",
        "PendingChangeAge",
        "AtlasCredentialsRefused",
      ]),
    );
    expect(docs.length).toBeGreaterThanOrEqual(8);
    for (const doc of docs) {
      expect(doc).toMatchObject({ service: "atlas-peering-gateway", [STAGE_DIMENSION]: "prod" });
      expect(dimensionsOf(doc)).toEqual(expect.arrayContaining(["service", STAGE_DIMENSION]));
    }
    // The alarms' dimension sets exactly (serverless.yml): service and Stage, nothing else.
    const age = docs.find((d) => "PendingChangeAge" in d) ?? {};
    expect([...(dimensionsOf(age) ?? [])].sort()).toEqual([STAGE_DIMENSION, "service"].sort());
  });

  it("is also on samples written while Powertools is still loading", async () => {
    const lazy = new PowertoolsChangeMetrics({ serviceName: "atlas-peering-gateway", stage: "dev" });
    const docs = await emf(async () => {
      lazy.pending(change, T0 + 7_000);
      await vi.waitFor(() => expect(process.stdout.write).toHaveBeenCalled());
    });
    expect(docs.find((d) => "PendingChangeAge" in d)).toMatchObject({ PendingChangeAge: 7, Stage: "dev" });
  });

  it("is absent when no stage is configured (the local stack)", async () => {
    const docs = await emf(() => everySample(eager()));
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(doc).not.toHaveProperty(STAGE_DIMENSION);
  });

  it("comes from STAGE, which must be a stage name", () => {
    const env = {
      ATLAS_SECRET_ID: "a",
      CALLERS_SECRET_ID: "c",
      CHANGES_TABLE: "changes",
      SCHEDULE_GROUP: "g",
      RECHECK_FUNCTION_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:r",
      SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/s",
      RECHECK_DLQ_ARN: "arn:aws:sqs:eu-west-1:123456789012:q",
    };
    expect(loadConfig({ ...env, STAGE: "prod-eu" }).stage).toBe("prod-eu");
    expect(loadConfig(env)).not.toHaveProperty("stage");
    expect(() => loadConfig({ ...env, STAGE: "prod eu" })).toThrow(/STAGE: must be a stage name/);
  });
});
