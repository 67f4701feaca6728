import { authorizeChange } from "../auth/policy.js";
import { validateAtlasQuery, validatePeeringSettings, validatePeerPath } from "../domain/peering/request.js";
import { providerOf } from "../domain/peering/settings.js";
import type { AtlasAnswer, AtlasApiVersion } from "../ports/AtlasPeeringApi.js";
import { callAtlas } from "../usecases/atlasCall.js";
import { type ChangeSubmission, submitChange } from "../usecases/submitChange.js";
import type { HttpApiDeps, RouteContext } from "./HttpApi.js";
import { idempotencyKeyOf } from "./idempotencyKey.js";
import { toProblemResponse } from "./problem.js";
import { readJsonBody } from "./request.js";
import type { HttpResult } from "./response.js";
import { allValid } from "./validated.js";

/** Atlas headers worth passing back to a drop-in client. */
const PASSED_HEADERS = ["content-type", "retry-after", "ratelimit-limit", "ratelimit-remaining"];

/**
 * `PATCH /api/atlas/{v1.0|v2}/groups/{groupId}/peers/{peerId}`: the Atlas-compatible drop-in. Same body and
 * query as Atlas; Atlas's status and body come back unchanged, plus `X-Change-Request-Id` and a `Location`
 * to follow the change. The v1.0 route accepts a partial body (its docs say "you may specify any of the
 * following parameters"); v2 the full schema. A replayed Idempotency-Key answers with the peer as Atlas
 * has it now (a GET), never a second PATCH.
 */
export async function forwardAtlasPeerPatch(
  route: { apiVersion: AtlasApiVersion; groupId: string; peerId: string },
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const [ids] = allValid(validatePeerPath(route));
  authorizeChange(context.auth.caller, ids.groupId, ids.peerId);
  const body = readJsonBody(context.request, deps.limits.maxBodyBytes);
  const [query, settings] = allValid(
    validateAtlasQuery(context.request.query),
    validatePeeringSettings(body.value, route.apiVersion === "v1.0" ? "partial" : "full"),
  );
  const idempotencyKey = idempotencyKeyOf(context.request);
  const submission: ChangeSubmission = {
    caller: context.auth.caller,
    channel: "http",
    call: { ...ids, apiVersion: route.apiVersion, query },
    provider: providerOf(settings),
    body: body.text,
    requestId: context.request.requestId,
    plan: false,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
  const outcome = await submitChange(submission, deps, context.deadline);
  const headers = {
    "x-change-request-id": outcome.change.id,
    location: `/v1/peering-changes/${outcome.change.id}`,
  };
  if (outcome.kind === "replayed") {
    const current = await callAtlas(deps, submission.call, undefined, context.deadline);
    if (current.answer) return passThrough(current.answer, headers);
    return withHeaders(toProblemResponse(current.error, problemContext(context)), headers);
  }
  if (outcome.answer) return passThrough(outcome.answer, headers);
  return withHeaders(toProblemResponse(outcome.error, problemContext(context)), headers);
}

function passThrough(answer: AtlasAnswer, extra: Record<string, string>): HttpResult {
  const headers: Record<string, string> = { ...extra };
  for (const name of PASSED_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { statusCode: answer.status, headers, body: answer.body };
}

function withHeaders(result: HttpResult, headers: Record<string, string>): HttpResult {
  return { ...result, headers: { ...result.headers, ...headers } };
}

function problemContext(context: RouteContext) {
  return { requestId: context.request.requestId, instance: context.request.rawPath };
}
