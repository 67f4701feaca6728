import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { waitingForPersonMs } from "../domain/change/durations.js";
import type { AtlasCallSample, ChangeMetrics } from "../ports/ChangeMetrics.js";

/** The CloudWatch namespace of the gateway's metrics (the alarms in serverless.yml use it). */
export const METRICS_NAMESPACE = "AtlasPeeringGateway";

/**
 * Change metrics as CloudWatch Embedded Metric Format lines, through Powertools Metrics. Each sample is its
 * own single metric with its own dimensions and is written at once, so nothing waits for the end of the
 * invocation and a crash loses at most the sample being written.
 */
export class PowertoolsChangeMetrics implements ChangeMetrics {
  private readonly metrics: Metrics;

  constructor(options: { serviceName: string; metrics?: Metrics }) {
    this.metrics =
      options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: options.serviceName });
  }

  stateEntered(change: ChangeRecord): void {
    this.emit({ State: change.state, Channel: change.channel }, "ChangeStateEntered", MetricUnit.Count, 1);
  }

  atlasCall(sample: AtlasCallSample): void {
    this.emit({ Operation: sample.operation }, "AtlasLatency", MetricUnit.Milliseconds, sample.latencyMs);
    if (sample.attempts > 1)
      this.emit({ Operation: sample.operation }, "AtlasRetries", MetricUnit.Count, sample.attempts - 1);
    const failed = sample.status === undefined || sample.status >= 400;
    if (failed) {
      const errorCode =
        sample.errorCode ?? (sample.status === undefined ? "NO_ANSWER" : `HTTP_${sample.status}`);
      this.emit({ ErrorCode: errorCode }, "AtlasErrors", MetricUnit.Count, 1);
    }
  }

  settled(change: ChangeRecord): void {
    const end = change.updatedAt;
    this.emit({ State: change.state }, "TimeToSettle", MetricUnit.Seconds, (end - change.createdAt) / 1000);
    this.emit(
      { State: change.state },
      "TimeWaitingForPerson",
      MetricUnit.Seconds,
      waitingForPersonMs(change, end) / 1000,
    );
  }

  pending(change: ChangeRecord, now: number): void {
    this.emit({}, "PendingChangeAge", MetricUnit.Seconds, (now - change.createdAt) / 1000);
  }

  private emit(
    dimensions: Record<string, string>,
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
  ): void {
    try {
      const single = this.metrics.singleMetric();
      for (const [key, dimensionValue] of Object.entries(dimensions))
        single.addDimension(key, dimensionValue);
      single.addMetric(name, unit, value);
    } catch {
      // Metrics must never fail a change; a lost sample is acceptable.
    }
  }
}
