import { toView } from "../../domain/change/view.js";
import { parseJson } from "../../domain/json.js";
import { isWholePeering, validatePartialChangeRequest } from "../../domain/peering/request.js";
import { providerOf } from "../../domain/peering/settings.js";
import { isTerminal } from "../../domain/peering/status.js";
import { parseAtlasErrorBody } from "../../ports/AtlasPeeringApi.js";
import { admitChange, type ChangeAdmission } from "../../usecases/admitChange.js";
import type { SubmitOutcome } from "../../usecases/submitChange.js";
import { atlasRejectionProblem } from "../common/problem.js";
import { readJsonBody } from "../common/request.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import type { HttpApiDeps, RouteContext } from "./context.js";
import { dryRunRoute } from "./dryRunRoute.js";
import { idempotencyKeyOf } from "./idempotencyKey.js";

/**
 * `POST /v1/peering-changes` with `{groupId, peerId, peering, reason?, callbackUrl?}`: the gateway's own API.
 * Answers `{id, state, atlas, change}` with a `Location`: 202 while the change is being followed (including
 * RETRYING, when Atlas could not take it yet and the gateway will send it again), 200 once settled. Atlas's
 * refusal (REJECTED) is a problem that keeps Atlas's status and error fields.
 *
 * `peering` may name only the fields to change. Every violation found without reading the peer (a misspelt
 * field, a wrong type, another provider's field) is refused first, in one 400. A body the full schema takes
 * is whole and forwarded as written; any other lacks only what the peer holds (`containerId`), so the peer is
 * read and the rest filled in (`completePeering`): the change's `desired` is that whole. A peer Atlas does
 * not have is 404, a peer that cannot be read 503; nothing is sent then.
 */
export async function submitChangeRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const body = readJsonBody(context.request, deps.limits.maxBodyBytes);
  const [input] = allValid(validatePartialChangeRequest(body.value));
  const idempotencyKey = idempotencyKeyOf(context.request);
  // Forward the peering object as the caller wrote it (key order, providerName omitted or not).
  const peering = (body.value as { peering: unknown }).peering;
  const partial = isWholePeering(peering) ? {} : { partial: { pathPrefix: "peering" } };
  const admission: ChangeAdmission = {
    caller: context.auth.caller,
    channel: "http",
    groupId: input.groupId,
    peerId: input.peerId,
    apiVersion: "v2",
    query: {},
    provider: providerOf(input.peering),
    body: JSON.stringify(peering),
    requestId: context.request.requestId,
    bodyPath: "peering",
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(input.callbackUrl === undefined ? {} : { callbackUrl: input.callbackUrl }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...partial,
  };
  if (input.dryRun === true) return dryRunRoute(admission, context, deps);
  return respond(await admitChange(admission, deps, context.deadline), context);
}

function respond(outcome: SubmitOutcome, context: RouteContext): HttpResult {
  const { change } = outcome;
  const headers = { "x-change-request-id": change.id, location: `/v1/peering-changes/${change.id}` };
  const answer = outcome.kind === "created" ? outcome.answer : undefined;
  if (change.state === "REJECTED" && answer) {
    const problemContext = { requestId: context.request.requestId, instance: context.request.rawPath };
    const { remediation } = toView(change);
    const extensions = { changeRequestId: change.id, ...(remediation === undefined ? {} : { remediation }) };
    const problem = atlasRejectionProblem(
      answer.status,
      parseAtlasErrorBody(answer.body),
      extensions,
      problemContext,
    );
    return { ...problem, headers: { ...problem.headers, ...headers } };
  }
  const status = isTerminal(change.state) ? 200 : 202;
  const atlas = answer ? parseJson(answer.body, answer.body) : null;
  const warnings = outcome.kind === "created" ? outcome.plan.warnings : [];
  return json(
    status,
    { id: change.id, state: change.state, atlas, warnings, change: toView(change) },
    headers,
  );
}
