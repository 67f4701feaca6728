import type { ChangeRecord } from "../domain/change/ChangeRecord.js";

/** One call to Atlas, as the metrics see it. */
export interface AtlasCallSample {
  operation: "PATCH" | "GET";
  /** Atlas's HTTP status; absent when no answer came. */
  status?: number;
  /** Atlas's `errorCode` when it refused or failed. */
  errorCode?: string;
  latencyMs: number;
  attempts: number;
  /** Atlas refused the gateway's own credentials (401, IP access list) even after a fresh read of the secret. */
  credentialsRefused?: boolean;
}

/** What operators watch (CloudWatch metrics in AWS, nothing locally). Never throws. */
export interface ChangeMetrics {
  /** A change entered a state (counted by state and channel). */
  stateEntered(change: ChangeRecord): void;
  /** Atlas latency, errors by `errorCode`, and retries. */
  atlasCall(sample: AtlasCallSample): void;
  /** A change ended: time to settle, and how long it waited for a person. */
  settled(change: ChangeRecord): void;
  /** How long a change has been pending, at each check (alarms on the maximum). */
  pending(change: ChangeRecord, now: number): void;
  /** A request was refused for no or bad credentials (not audited; an alarm watches for a flood). */
  unauthenticated(): void;
}

/** Metrics that go nowhere, for tests (the local stack runs Powertools Metrics with POWERTOOLS_METRICS_DISABLED). */
export const noMetrics: ChangeMetrics = {
  stateEntered: () => {},
  atlasCall: () => {},
  settled: () => {},
  pending: () => {},
  unauthenticated: () => {},
};
