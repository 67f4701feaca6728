import { parseAtlasErrorBody } from "../atlas/errors.js";
import { authorizeChange } from "../auth/policy.js";
import { validateChangeRequest } from "../domain/peering/request.js";
import { providerOf } from "../domain/peering/settings.js";
import { isTerminal } from "../domain/peering/status.js";
import {
  outcomeLogFields,
  type PeeringChange,
  type SubmitResult,
  submitPeeringChange,
} from "../usecases/submitPeeringChange.js";
import type { HttpApiDeps, RouteContext } from "./HttpApi.js";
import { atlasRejectionProblem, atlasUnavailableProblem } from "./problem.js";
import { readJsonBody } from "./request.js";
import { type HttpResult, json } from "./response.js";
import { allValid } from "./validated.js";

/**
 * `POST /v1/peering-changes` with `{groupId, peerId, peering, reason?}`: the gateway's own API. Answers
 * `{id, state, atlas}`: 202 while Atlas is working or a person must act, 200 once settled; Atlas's refusals
 * and outages become problems that keep Atlas's status and error fields.
 */
export async function submitChangeRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const body = readJsonBody(context.request, deps.limits.maxBodyBytes);
  const [input] = allValid(validateChangeRequest(body.value));
  authorizeChange(context.auth.caller, input.groupId, input.peerId);
  // Forward the peering object as the caller wrote it (key order, providerName omitted or not).
  const peering = (body.value as { peering: unknown }).peering;
  const change: PeeringChange = {
    caller: context.auth.caller,
    channel: "http",
    call: { groupId: input.groupId, peerId: input.peerId, apiVersion: "v2", query: {} },
    provider: providerOf(input.peering),
    body: JSON.stringify(peering),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  };
  const result = await submitPeeringChange(change, deps, { deadline: context.deadline });
  deps.logger.info("peering change submitted", outcomeLogFields(change, result));
  return respond(result, context);
}

function respond(result: SubmitResult, context: RouteContext): HttpResult {
  const problemContext = { requestId: context.request.requestId, instance: context.request.rawPath };
  const headers = { "x-change-request-id": result.changeId };
  const { answer } = result;
  if (result.state === "REJECTED" || result.state === "RETRYING") {
    const atlas = parseAtlasErrorBody(answer.body);
    const problem =
      result.state === "REJECTED"
        ? atlasRejectionProblem(answer.status, atlas, { changeRequestId: result.changeId }, problemContext)
        : atlasUnavailableProblem(
            answer.status,
            atlas,
            answer.headers["retry-after"],
            { changeRequestId: result.changeId },
            problemContext,
          );
    return { ...problem, headers: { ...problem.headers, ...headers } };
  }
  const status = isTerminal(result.state) ? 200 : 202;
  return json(status, { id: result.changeId, state: result.state, atlas: parseOrText(answer.body) }, headers);
}

function parseOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
