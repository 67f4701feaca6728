import type { ChangePlan } from "../domain/change/plan.js";
import type { Provider } from "../domain/peering/providers/provider.js";
import { type GuardrailRefusal, overlapRefusal, PolicyRefusedError } from "../domain/policy/errors.js";
import { findOverlaps, PEER_CIDR_FIELDS, PROVIDERS_WITH_PEER_CIDRS } from "../domain/policy/overlap.js";
import { type AppliedRules, rulesFor } from "../domain/policy/projectPolicy.js";
import { policyViolations } from "../domain/policy/rules.js";
import { joinPath } from "../domain/validation.js";
import type { ProjectPolicySource } from "../ports/ProjectPolicySource.js";
import type { AtlasCallDeps } from "./atlasCall.js";
import { readOverlapTargets } from "./overlapReads.js";

/**
 * The guardrails every change passes before it is recorded or sent, whatever its channel: the project policy
 * (pure rules over the whole desired body, after a partial body is completed) and, when the customer CIDR
 * changes, the overlap check against the project's other peers and the Atlas container (two Atlas reads,
 * only then). `submitChange` enforces them; the dry run and Slack `plan` show the same verdict.
 */

export type GuardDeps = AtlasCallDeps & { policy: ProjectPolicySource };

/** The change being judged: its peer, its provider and its whole desired body. */
export interface GuardRequest {
  groupId: string;
  peerId: string;
  provider: Provider;
  desired: Readonly<Record<string, unknown>>;
  /** Where the body is in the request, for messages (`peering` on `POST /v1/peering-changes`). */
  pathPrefix?: string;
}

/** What the policy says: the rules that apply (none: no policy for the project) and the refusal, if any. */
export interface PolicyJudgement {
  applied?: AppliedRules;
  refusal?: PolicyRefusedError;
}

/**
 * The policy's judgement of the whole desired body. Throws `PolicyUnavailableError` when a configured policy
 * cannot be loaded: the change is then not admitted (the gateway's 5xx), never admitted unchecked.
 */
export async function judgePolicy(request: GuardRequest, deps: GuardDeps): Promise<PolicyJudgement> {
  const applied = rulesFor(await deps.policy.policy(), request.groupId);
  const violations = policyViolations(applied, request.provider, request.desired, request.pathPrefix);
  return {
    ...(applied ? { applied } : {}),
    ...(violations.length > 0 ? { refusal: new PolicyRefusedError(violations) } : {}),
  };
}

/** The overlap check's result: how it went, its refusal, and what it could not check. */
export interface OverlapJudgement {
  overlap: "not needed" | "allowed by policy" | "clear" | "refused" | "not checked";
  refusal?: GuardrailRefusal;
  warnings: string[];
  /** Atlas requests the check made (0 unless the CIDR changes). */
  atlasCalls: number;
}

/**
 * Checks the desired customer CIDR for overlaps when the plan changes it (a no-op, or a change of other
 * fields, costs no Atlas call), unless the project's policy sets `allowOverlap`. Reads that fail leave the
 * change to Atlas, with a warning.
 */
export async function judgeOverlap(
  request: GuardRequest,
  plan: Pick<ChangePlan, "diff">,
  applied: AppliedRules | undefined,
  deps: AtlasCallDeps,
  deadline: number,
): Promise<OverlapJudgement> {
  const field = PEER_CIDR_FIELDS[request.provider];
  const cidr = field === undefined ? undefined : request.desired[field];
  const none = { warnings: [], atlasCalls: 0 };
  if (field === undefined || typeof cidr !== "string" || !plan.diff.some((d) => d.field === field)) {
    return { overlap: "not needed", ...none };
  }
  if (applied?.rules.allowOverlap === true) return { overlap: "allowed by policy", ...none };
  const containerId =
    typeof request.desired.containerId === "string" ? request.desired.containerId : undefined;
  const targets = await readOverlapTargets(
    request.groupId,
    containerId,
    PROVIDERS_WITH_PEER_CIDRS,
    deps,
    deadline,
  );
  const findings = findOverlaps(cidr, request.peerId, targets.peers, targets.container);
  const base = { warnings: targets.warnings, atlasCalls: targets.calls };
  if (findings.length > 0) {
    const path = joinPath(request.pathPrefix, field);
    return { overlap: "refused", refusal: overlapRefusal({ path, cidr, findings }), ...base };
  }
  return { overlap: targets.warnings.length > 0 ? "not checked" : "clear", ...base };
}

/** The guardrails' verdict on a planned change, as plans show it. */
export interface GuardVerdict {
  allowed: boolean;
  policy: "none" | "allowed" | "refused";
  overlap: OverlapJudgement["overlap"];
  refusal?: GuardrailRefusal;
  warnings: string[];
}

/** Both checks, for a plan (the dry run, Slack `plan`): the policy first, and no Atlas read when it refuses. */
export async function judgeChange(
  request: GuardRequest,
  plan: Pick<ChangePlan, "diff">,
  deps: GuardDeps,
  deadline: number,
): Promise<GuardVerdict> {
  const policy = await judgePolicy(request, deps);
  const policyState = policy.refusal ? "refused" : policy.applied ? "allowed" : "none";
  if (policy.refusal) {
    return {
      allowed: false,
      policy: policyState,
      overlap: "not checked",
      refusal: policy.refusal,
      warnings: [],
    };
  }
  const overlap = await judgeOverlap(request, plan, policy.applied, deps, deadline);
  return {
    allowed: overlap.refusal === undefined,
    policy: policyState,
    overlap: overlap.overlap,
    ...(overlap.refusal ? { refusal: overlap.refusal } : {}),
    warnings: overlap.warnings,
  };
}
