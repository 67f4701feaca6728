import type { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { ChangeRecord } from "../../domain/change/ChangeRecord.js";
import { waitingForPersonMs } from "../../domain/change/durations.js";
import type { AtlasCallSample, ChangeMetrics } from "../../ports/ChangeMetrics.js";

/** The CloudWatch namespace of the gateway's metrics (the alarms in serverless.yml use it). */
export const METRICS_NAMESPACE = "AtlasPeeringGateway";
/** The dimension naming the deployment stage (the alarms in serverless.yml match on it). */
export const STAGE_DIMENSION = "Stage";

/**
 * Change metrics as CloudWatch Embedded Metric Format lines, through Powertools Metrics. Each sample is its
 * own single metric with its own dimensions and is written at once, so nothing waits for the end of the
 * invocation and a crash loses at most the sample being written.
 *
 * Given a `stage`, every sample also carries a `Stage` dimension: stages deployed to one account would
 * otherwise share each metric (`service` is the same for all), and a dev change would page prod's alarms.
 */
export class PowertoolsChangeMetrics implements ChangeMetrics {
  private metrics: Metrics | undefined;
  private loading: Promise<Metrics> | undefined;
  private readonly serviceName: string;
  private readonly stage: string | undefined;

  constructor(options: { serviceName: string; stage?: string | undefined; metrics?: Metrics }) {
    this.serviceName = options.serviceName;
    this.stage = options.stage;
    this.metrics = options.metrics;
  }

  stateEntered(change: ChangeRecord): void {
    this.emit({ State: change.state, Channel: change.channel }, "ChangeStateEntered", "Count", 1);
  }

  atlasCall(sample: AtlasCallSample): void {
    this.emit({ Operation: sample.operation }, "AtlasLatency", "Milliseconds", sample.latencyMs);
    if (sample.attempts > 1)
      this.emit({ Operation: sample.operation }, "AtlasRetries", "Count", sample.attempts - 1);
    const failed = sample.status === undefined || sample.status >= 400;
    if (failed) {
      const errorCode =
        sample.errorCode ?? (sample.status === undefined ? "NO_ANSWER" : `HTTP_${sample.status}`);
      this.emit({ ErrorCode: errorCode }, "AtlasErrors", "Count", 1);
    }
    // Only the service and stage dimensions: one alarm (serverless.yml) pages whoever owns the Atlas secret.
    if (sample.credentialsRefused) this.emit({}, "AtlasCredentialsRefused", "Count", 1);
  }

  settled(change: ChangeRecord): void {
    const end = change.updatedAt;
    this.emit({ State: change.state }, "TimeToSettle", "Seconds", (end - change.createdAt) / 1000);
    this.emit(
      { State: change.state },
      "TimeWaitingForPerson",
      "Seconds",
      waitingForPersonMs(change, end) / 1000,
    );
  }

  pending(change: ChangeRecord, now: number): void {
    this.emit({}, "PendingChangeAge", "Seconds", (now - change.createdAt) / 1000);
  }

  unauthenticated(): void {
    // Only the service and stage dimensions, as the alarm (serverless.yml) reads it: a flood is one number
    // whichever channel (HTTP API or Slack route) it comes in by.
    this.emit({}, "UnauthenticatedRequests", "Count", 1);
  }

  private emit(sampleDimensions: Record<string, string>, name: string, unit: Unit, value: number): void {
    const dimensions =
      this.stage === undefined ? sampleDimensions : { ...sampleDimensions, [STAGE_DIMENSION]: this.stage };
    if (this.metrics) {
      write(this.metrics, dimensions, name, unit, value);
      return;
    }
    // Powertools Metrics is loaded with the first sample, not at cold start; the sample is written then.
    this.loading ??= import("./powertoolsMetrics.js").then(
      ({ Metrics: MetricsClass }) =>
        new MetricsClass({ namespace: METRICS_NAMESPACE, serviceName: this.serviceName }),
    );
    void this.loading.then((metrics) => {
      this.metrics = metrics;
      write(metrics, dimensions, name, unit, value);
    });
  }
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

function write(
  metrics: Metrics,
  dimensions: Record<string, string>,
  name: string,
  unit: Unit,
  value: number,
): void {
  try {
    const single = metrics.singleMetric();
    for (const [key, dimensionValue] of Object.entries(dimensions)) single.addDimension(key, dimensionValue);
    single.addMetric(name, unit, value);
  } catch {
    // Metrics must never fail a change; a lost sample is acceptable.
  }
}
