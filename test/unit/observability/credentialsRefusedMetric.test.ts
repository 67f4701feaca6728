import { Metrics } from "@aws-lambda-powertools/metrics";
import { describe, expect, it, vi } from "vitest";
import {
  METRICS_NAMESPACE,
  PowertoolsChangeMetrics,
} from "../../../src/adapters/aws/PowertoolsChangeMetrics.js";

/** The EMF documents written while `work` runs, Powertools loaded eagerly so they are written at once. */
function emf(work: (metrics: PowertoolsChangeMetrics) => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    work(
      new PowertoolsChangeMetrics({
        serviceName: "atlas-peering-gateway",
        metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: "atlas-peering-gateway" }),
      }),
    );
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("AtlasCredentialsRefused", () => {
  it("is counted, with only the service dimension the alarm watches, when Atlas refused the gateway's keys", () => {
    const docs = emf((m) =>
      m.atlasCall({ operation: "PATCH", status: 401, latencyMs: 5, attempts: 1, credentialsRefused: true }),
    );
    const refused = docs.find((d) => "AtlasCredentialsRefused" in d);
    expect(refused).toMatchObject({ AtlasCredentialsRefused: 1, service: "atlas-peering-gateway" });
    expect(Object.keys(refused ?? {}).sort()).toEqual(["AtlasCredentialsRefused", "_aws", "service"]);
    // Still an Atlas error like any other, by code.
    expect(docs.some((d) => d.AtlasErrors === 1 && d.ErrorCode === "HTTP_401")).toBe(true);
  });

  it("is not counted for Atlas's other answers", () => {
    const docs = emf((m) => {
      m.atlasCall({
        operation: "PATCH",
        status: 403,
        errorCode: "FEATURE_UNSUPPORTED",
        latencyMs: 5,
        attempts: 1,
      });
      m.atlasCall({ operation: "GET", status: 200, latencyMs: 5, attempts: 1 });
    });
    expect(docs.some((d) => "AtlasCredentialsRefused" in d)).toBe(false);
  });
});
