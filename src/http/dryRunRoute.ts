import { parseObject } from "../domain/json.js";
import type { ChangeRequestInput } from "../domain/peering/request.js";
import { providerOf } from "../domain/peering/settings.js";
import { readAndPlan } from "../usecases/readAndPlan.js";
import type { HttpApiDeps, RouteContext } from "./HttpApi.js";
import { type HttpResult, json } from "./response.js";

/**
 * `POST /v1/peering-changes` with `dryRun: true`: reads the peer and answers what the change would do —
 * `diff` (`field: current → desired`), `noop`, `warnings`, and `refusal` when Atlas cannot make it in place.
 * Nothing is recorded, locked or sent.
 */
export async function dryRunRoute(
  input: ChangeRequestInput,
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const peering = JSON.stringify(
    (parseObject(context.request.rawBody.toString("utf8")) as { peering?: unknown }).peering,
  );
  const call = { groupId: input.groupId, peerId: input.peerId, apiVersion: "v2" as const, query: {} };
  const { plan, current } = await readAndPlan(
    call,
    providerOf(input.peering),
    parseObject(peering),
    deps,
    context.deadline,
  );
  return json(200, {
    dryRun: true,
    groupId: input.groupId,
    peerId: input.peerId,
    noop: plan.noop,
    diff: plan.diff,
    changes: plan.diff.map((d) => `${d.field}: ${d.current ?? "(unset)"} → ${d.desired}`),
    warnings: plan.warnings,
    ...(plan.refusal === undefined ? {} : { refusal: plan.refusal }),
    current: current ?? null,
  });
}
