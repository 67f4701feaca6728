import { parseObject } from "../../domain/json.js";
import { type ChangeAdmission, checkAdmission } from "../../usecases/admitChange.js";
import { wholeBody } from "../../usecases/completePeering.js";
import { type GuardVerdict, judgeChange } from "../../usecases/guardrails.js";
import { readAndPlan } from "../../usecases/readAndPlan.js";
import { describeProblem } from "../common/problem.js";
import { type HttpResult, json } from "../common/response.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * `POST /v1/peering-changes` with `dryRun: true`: admitted like the change itself (grants, callback, key),
 * then reads the peer and answers what the change would do — `merged` (the whole body that would be sent: a
 * partial `peering` completed from the peer, a whole one as written), `diff` (`field: current → desired`, only
 * what would really change), `noop`, `warnings`, and `refusal` when Atlas cannot make it in place. A partial
 * body is completed by the same rule as the change (`completePeering`), and its refusals are the change's.
 * The peer is read once. `verdict` is the guardrails' (the project policy, and the overlap check when the
 * CIDR changes): `allowed`, and the problem the change would be refused with. Nothing is recorded, locked or
 * sent.
 */
export async function dryRunRoute(
  admission: ChangeAdmission,
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const call = checkAdmission(admission);
  const whole = await wholeBody(admission, call, deps, context.deadline);
  const merged = parseObject(whole.body);
  const { plan, current } = await readAndPlan(
    call,
    whole.provider,
    merged,
    deps,
    context.deadline,
    whole.knownPeer,
  );
  const prefix = admission.partial?.pathPrefix ?? admission.bodyPath;
  const verdict = await judgeChange(
    {
      groupId: call.groupId,
      peerId: call.peerId,
      provider: whole.provider,
      desired: merged,
      ...(prefix === undefined ? {} : { pathPrefix: prefix }),
    },
    plan,
    deps,
    context.deadline,
  );
  return json(200, {
    dryRun: true,
    groupId: call.groupId,
    peerId: call.peerId,
    noop: plan.noop,
    merged,
    diff: plan.diff,
    changes: plan.diff.map((d) => `${d.field}: ${d.current ?? "(unset)"} → ${d.desired}`),
    warnings: [...plan.warnings, ...verdict.warnings],
    verdict: verdictView(verdict),
    ...(plan.refusal === undefined ? {} : { refusal: plan.refusal }),
    current: current ?? null,
  });
}

/** The verdict as the dry run shows it: the checks' outcomes and, when refused, the problem the change gets. */
function verdictView(verdict: GuardVerdict) {
  const { allowed, policy, overlap, refusal } = verdict;
  if (!refusal) return { allowed, policy, overlap };
  const problem = describeProblem(refusal);
  return {
    allowed,
    policy,
    overlap,
    refusal: { status: problem.status, type: problem.slug, detail: problem.detail, ...problem.extensions },
  };
}
