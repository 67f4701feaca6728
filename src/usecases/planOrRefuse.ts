import { parseObject } from "../domain/json.js";
import type { GuardrailRefusal } from "../domain/policy/errors.js";
import { audit } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";
import { ChangeRefusedError } from "./errors.js";
import { judgeOverlap, judgePolicy } from "./guardrails.js";
import { type PlannedChange, readAndPlan } from "./readAndPlan.js";

/**
 * Everything a change must pass before it is recorded, in the order that costs Atlas least: the project
 * policy (no Atlas call: a refused change is not even read), then the plan (one read of the peer: a change
 * Atlas cannot make in place is refused), then, only when the customer CIDR changes, the overlap check (two
 * reads). Each refusal is audited here, with the peer when it was read, and thrown for the channel to
 * answer; nothing is locked or sent. The drop-in routes (`plan: false`) pass the policy only: Atlas judges
 * their PATCH as it would without the gateway, overlaps included, in one round trip.
 */
export async function planOrRefuse(
  input: ChangeSubmission,
  deps: ChangeDeps,
  deadline: number,
): Promise<PlannedChange> {
  const desired = parseObject(input.body);
  const request = {
    groupId: input.call.groupId,
    peerId: input.call.peerId,
    provider: input.provider,
    desired,
    ...pathOf(input),
  };
  const policy = await judgePolicy(request, deps);
  if (policy.refusal) await refuse(input, deps, policy.refusal, input.knownPeer);
  if (input.plan === false) return { plan: { diff: [], noop: false, warnings: [] } };
  const planned = await readAndPlan(input.call, input.provider, desired, deps, deadline, input.knownPeer);
  if (planned.plan.refusal !== undefined) {
    await auditRefusal(input, deps, "not updatable", planned.plan.refusal, planned.current);
    throw new ChangeRefusedError(planned.plan.refusal);
  }
  const overlap = await judgeOverlap(request, planned.plan, policy.applied, deps, deadline);
  if (overlap.refusal) await refuse(input, deps, overlap.refusal, planned.current);
  if (overlap.warnings.length === 0) return planned;
  return { ...planned, plan: { ...planned.plan, warnings: [...planned.plan.warnings, ...overlap.warnings] } };
}

/** Where the body's fields are in the request: a partial body's prefix, else where the channel put it. */
function pathOf(input: ChangeSubmission): { pathPrefix?: string } {
  const prefix = input.partial?.pathPrefix ?? input.bodyPath;
  return prefix === undefined ? {} : { pathPrefix: prefix };
}

async function refuse(
  input: ChangeSubmission,
  deps: ChangeDeps,
  refusal: GuardrailRefusal,
  before: Record<string, unknown> | undefined,
): Promise<never> {
  await auditRefusal(input, deps, refusal.auditReason, refusal.message, before);
  throw refusal;
}

async function auditRefusal(
  input: ChangeSubmission,
  deps: ChangeDeps,
  reason: string,
  detail: string,
  before: Record<string, unknown> | undefined,
): Promise<void> {
  await audit(deps, {
    requestId: input.requestId,
    channel: input.channel,
    callerId: input.caller.id,
    outcome: "refused",
    reason,
    groupId: input.call.groupId,
    peerId: input.call.peerId,
    asked: parseObject(input.body),
    ...(before === undefined ? {} : { before }),
    detail,
  });
}
