import { parseObject } from "../../domain/json.js";
import { type ChangeAdmission, checkAdmission } from "../../usecases/admitChange.js";
import { readAndPlan } from "../../usecases/readAndPlan.js";
import { type HttpResult, json } from "../common/response.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * `POST /v1/peering-changes` with `dryRun: true`: admitted like the change itself (grants, callback, key),
 * then reads the peer and answers what the change would do — `diff` (`field: current → desired`), `noop`,
 * `warnings`, and `refusal` when Atlas cannot make it in place. Nothing is recorded, locked or sent.
 */
export async function dryRunRoute(
  admission: ChangeAdmission,
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const call = checkAdmission(admission);
  const { plan, current } = await readAndPlan(
    call,
    admission.provider,
    parseObject(admission.body),
    deps,
    context.deadline,
  );
  return json(200, {
    dryRun: true,
    groupId: call.groupId,
    peerId: call.peerId,
    noop: plan.noop,
    diff: plan.diff,
    changes: plan.diff.map((d) => `${d.field}: ${d.current ?? "(unset)"} → ${d.desired}`),
    warnings: plan.warnings,
    ...(plan.refusal === undefined ? {} : { refusal: plan.refusal }),
    current: current ?? null,
  });
}
