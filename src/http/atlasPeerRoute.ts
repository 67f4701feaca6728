import { authorizeChange } from "../auth/policy.js";
import { validateAtlasQuery, validatePeeringSettings, validatePeerPath } from "../domain/peering/request.js";
import { providerOf } from "../domain/peering/settings.js";
import type { AtlasAnswer, AtlasApiVersion } from "../ports/AtlasPeeringApi.js";
import {
  outcomeLogFields,
  type PeeringChange,
  submitPeeringChange,
} from "../usecases/submitPeeringChange.js";
import type { HttpApiDeps, RouteContext } from "./HttpApi.js";
import { readJsonBody } from "./request.js";
import type { HttpResult } from "./response.js";
import { allValid } from "./validated.js";

/** Atlas headers worth passing back to a drop-in client. */
const PASSED_HEADERS = ["content-type", "retry-after", "ratelimit-limit", "ratelimit-remaining"];

/**
 * `PATCH /api/atlas/{v1.0|v2}/groups/{groupId}/peers/{peerId}`: the Atlas-compatible drop-in. Same body and
 * query as Atlas; Atlas's status and body come back unchanged, plus `X-Change-Request-Id`. The v1.0 route
 * accepts a partial body (its docs say "you may specify any of the following parameters"); v2 the full schema.
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
  const change: PeeringChange = {
    caller: context.auth.caller,
    channel: "http",
    call: { ...ids, apiVersion: route.apiVersion, query },
    provider: providerOf(settings),
    body: body.text,
  };
  const result = await submitPeeringChange(change, deps, { deadline: context.deadline });
  deps.logger.info("peering change forwarded", outcomeLogFields(change, result));
  return passThrough(result.answer, result.changeId);
}

function passThrough(answer: AtlasAnswer, changeId: string): HttpResult {
  const headers: Record<string, string> = { "x-change-request-id": changeId };
  for (const name of PASSED_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { statusCode: answer.status, headers, body: answer.body };
}
