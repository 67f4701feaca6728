import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  METRICS_NAMESPACE,
  PowertoolsChangeMetrics,
} from "../../../src/adapters/aws/PowertoolsChangeMetrics.js";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { waitingForPersonMs } from "../../../src/domain/change/durations.js";

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const settled = {
  id: "c1",
  state: "SUCCEEDED",
  channel: "http",
  createdAt: T0,
  updatedAt: T0 + 3_700_000,
  history: [
    { at: at(0), from: null, to: "RETRYING" },
    { at: at(1), from: "RETRYING", to: "IN_PROGRESS" },
    { at: at(60), from: "IN_PROGRESS", to: "WAITING_FOR_USER" },
    { at: at(3_660), from: "WAITING_FOR_USER", to: "IN_PROGRESS" },
    { at: at(3_700), from: "IN_PROGRESS", to: "SUCCEEDED" },
  ],
} as unknown as ChangeRecord;

/** Every EMF document written to stdout while `work` runs. */
function emf(work: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** An adapter with Powertools already loaded, so samples are written synchronously. */
function eager() {
  return new PowertoolsChangeMetrics({
    serviceName: "test",
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: "test" }),
  });
}

describe("change metrics (CloudWatch EMF through Powertools)", () => {
  it("loads Powertools Metrics with the first sample and still writes it", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const lazy = new PowertoolsChangeMetrics({ serviceName: "test" });
      lazy.pending(settled, T0 + 5_000);
      await vi.waitFor(() => expect(lines.join("")).toContain('"PendingChangeAge":5'));
    } finally {
      spy.mockRestore();
    }
  });

  afterEach(() => vi.restoreAllMocks());

  it("counts states by state and channel, and times settling and waiting for a person", () => {
    const metrics = eager();
    const docs = emf(() => {
      metrics.stateEntered(settled);
      metrics.settled(settled);
    });
    expect(docs.find((d) => "ChangeStateEntered" in d)).toMatchObject({
      ChangeStateEntered: 1,
      State: "SUCCEEDED",
      Channel: "http",
    });
    expect(docs.find((d) => "TimeToSettle" in d)).toMatchObject({ TimeToSettle: 3_700, State: "SUCCEEDED" });
    expect(docs.find((d) => "TimeWaitingForPerson" in d)).toMatchObject({ TimeWaitingForPerson: 3_600 });
    expect(JSON.stringify(docs[0]?._aws)).toContain('"Namespace":"AtlasPeeringGateway"');
  });

  it("records Atlas latency, retries, and errors by errorCode", () => {
    const metrics = eager();
    const docs = emf(() => {
      metrics.atlasCall({ operation: "PATCH", status: 200, latencyMs: 120, attempts: 3 });
      metrics.atlasCall({
        operation: "GET",
        status: 404,
        errorCode: "PEER_NOT_FOUND",
        latencyMs: 30,
        attempts: 1,
      });
      metrics.atlasCall({ operation: "GET", latencyMs: 0, attempts: 4 });
    });
    expect(docs.filter((d) => "AtlasLatency" in d).map((d) => d.AtlasLatency)).toEqual([120, 30, 0]);
    expect(docs.find((d) => "AtlasRetries" in d)).toMatchObject({ AtlasRetries: 2, Operation: "PATCH" });
    expect(docs.filter((d) => "AtlasErrors" in d).map((d) => d.ErrorCode)).toEqual([
      "PEER_NOT_FOUND",
      "NO_ANSWER",
    ]);
  });

  it("sums every stretch of waiting, including one still open", () => {
    expect(waitingForPersonMs(settled, T0 + 3_700_000)).toBe(3_600_000);
    const open = { history: settled.history.slice(0, 3) };
    expect(waitingForPersonMs(open, T0 + 120_000)).toBe(60_000);
  });
});
