import { type ErrorKind, GatewayError } from "../domain/errors.js";
/** What a re-check is told: which change, and which attempt it is (stale attempts are ignored). */
export interface RecheckRequest {
  changeId: string;
  attempt: number;
}

/** Wakes the re-check up later (EventBridge Scheduler in AWS, a timer locally). */
export interface RecheckScheduler {
  /** Arranges one re-check at `at` (epoch ms). Scheduling the same (change, attempt) twice is harmless. */
  schedule(request: RecheckRequest, at: number): Promise<void>;
  /** Removes a pending re-check if there is one (cancelling a change). */
  cancel(request: RecheckRequest): Promise<void>;
}

/** A re-check could not be scheduled or cancelled. The message names the schedule, `cause` the SDK error. */
export class SchedulingError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "scheduling";
  readonly title: string = "A re-check could not be scheduled";
}
