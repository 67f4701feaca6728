import {
  isBenignFailure,
  isRetryableFailure,
  type PeerSideAction,
  peerSideRemediation,
} from "../../../domain/accepter/remediation.js";
import type { PeerSideRequest } from "../../../domain/accepter/request.js";
import type { PeerSideStage, PeerSideStep } from "../../../domain/accepter/steps.js";
import { awsFailureOf } from "./awsFailure.js";

const ACTION = Symbol("peerSideAction");

/**
 * Runs `call` as `action`: when a step makes a second call (CreateRoute after ReplaceRoute found no route),
 * its failure is charged to the call that failed, so the remediation names the right permission.
 */
export async function as<T>(action: PeerSideAction, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error !== null && typeof error === "object") Object.assign(error, { [ACTION]: action });
    throw error;
  }
}

function actionOf(error: unknown, fallback: PeerSideAction): PeerSideAction {
  const marked =
    error !== null && typeof error === "object"
      ? (error as { [ACTION]?: PeerSideAction })[ACTION]
      : undefined;
  return marked ?? fallback;
}

/**
 * Collects the steps of one run. `call` runs one AWS call: its failure becomes a step with the AWS code and
 * the remediation sentence (a benign code such as InvalidPermission.Duplicate counts as done), so the run
 * goes on to the next independent step and the change's history shows each call.
 */
export class StepRecorder {
  readonly steps: PeerSideStep[] = [];
  /** True while every failure so far may pass by itself. */
  private onlyRetryable = true;

  constructor(private readonly request: PeerSideRequest) {}

  get retryable(): boolean {
    return this.onlyRetryable;
  }

  record(step: PeerSideStep, retryable = false): void {
    this.steps.push(step);
    if (!step.ok && !retryable) this.onlyRetryable = false;
  }

  /** Runs `work`; records `done` (its detail) or the failure. Answers whether the step's goal holds. */
  async call(
    stage: PeerSideStage,
    target: string,
    action: PeerSideAction,
    work: () => Promise<string>,
  ): Promise<boolean> {
    try {
      this.record({ step: stage, target, ok: true, detail: await work() });
      return true;
    } catch (error) {
      const { code, message } = awsFailureOf(error);
      const failed = actionOf(error, action);
      const failure = { action: failed, code, target };
      const remediation = peerSideRemediation(this.request, failure);
      if (isBenignFailure(failure)) {
        this.record({ step: stage, target, ok: true, detail: remediation, action: failed, errorCode: code });
        return true;
      }
      const detail = `${failed} failed: ${code}${message === "" ? "" : ` (${message})`}`;
      this.record(
        { step: stage, target, ok: false, detail, action: failed, errorCode: code, remediation },
        isRetryableFailure(failure),
      );
      return false;
    }
  }
}
