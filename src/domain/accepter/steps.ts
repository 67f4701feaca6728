/**
 * The record of what the gateway did on the peer's side: one step per AWS call or decision, for the change's
 * history and audit. Steps never carry credentials (only ids, the role ARN and AWS error codes).
 */
import type { PeerSideAction } from "./remediation.js";

/** The stages of acceptance, in the order they run. */
export type PeerSideStage =
  | "assume-role"
  | "describe"
  | "accept"
  | "route"
  | "dns-resolution"
  | "security-group"
  | "verify";

/** One step: what it was about, whether its goal holds, what happened, and what to do when it does not. */
export interface PeerSideStep {
  step: PeerSideStage;
  /** The resource (`pcx-…`, `rtb-…`, `sg-…`, the role ARN). */
  target: string;
  ok: boolean;
  /** What was done or found, e.g. "replaced blackhole route to pcx-0aa… with 192.168.248.0/21 → pcx-0bb…". */
  detail: string;
  /** The AWS call that failed and its error code (the SDK exception's name). */
  action?: PeerSideAction;
  errorCode?: string;
  remediation?: string;
}

/**
 * How the peer's side stands after one run:
 * - `done`: accepted (or already), and every configured route, DNS option and rule verified;
 * - `incomplete`: a step failed that a later re-check may get past (throttling, still provisioning, 5xx,
 *   a request EC2 does not show yet);
 * - `failed`: an operator must act (a permission, a missing route table, wrong ExternalId);
 * - `not-acceptable`: the request cannot be accepted any more (expired, rejected, failed, deleted, or not
 *   addressed to this account's VPC).
 */
export type PeerSideOutcome = "done" | "incomplete" | "failed" | "not-acceptable";

export interface PeerSideReport {
  outcome: PeerSideOutcome;
  /** The peering's status at the end (`active`, `provisioning`, `expired`…), when it could be read. */
  peeringStatus?: string;
  steps: PeerSideStep[];
  /** The first failed step's remediation: the sentence a change's `remediation` shows. */
  remediation?: string;
}

/** The report for `steps`: the outcome the failing steps imply (the first failure's remediation leads). */
export function reportOf(
  steps: PeerSideStep[],
  flags: { notAcceptable: boolean; retryable: boolean; peeringStatus?: string | undefined },
): PeerSideReport {
  const failed = steps.find((step) => !step.ok);
  const outcome: PeerSideOutcome = flags.notAcceptable
    ? "not-acceptable"
    : failed === undefined
      ? "done"
      : flags.retryable
        ? "incomplete"
        : "failed";
  return {
    outcome,
    steps,
    ...(flags.peeringStatus === undefined ? {} : { peeringStatus: flags.peeringStatus }),
    ...(failed?.remediation === undefined ? {} : { remediation: failed.remediation }),
  };
}
