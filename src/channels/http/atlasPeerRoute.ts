import { authorizeChange } from "../../access/policy.js";
import { READ_PEER } from "../../domain/change/operations.js";
import type { AtlasApiVersion } from "../../domain/peering/apiVersion.js";
import {
  validateAtlasQuery,
  validatePeeringSettings,
  validatePeerPath,
} from "../../domain/peering/request.js";
import { providerOf } from "../../domain/peering/settings.js";
import { admitChange } from "../../usecases/admitChange.js";
import { callAtlas } from "../../usecases/atlasCall.js";
import { toProblemResponse } from "../common/problem.js";
import { readJsonBody } from "../common/request.js";
import type { HttpResult } from "../common/response.js";
import { allValid } from "../common/validated.js";
import { passThrough } from "./atlasAnswer.js";
import type { HttpApiDeps, RouteContext } from "./context.js";
import { idempotencyKeyOf } from "./idempotencyKey.js";

/**
 * `PATCH /api/atlas/{v1.0|v2}/groups/{groupId}/peers/{peerId}`: the Atlas-compatible drop-in. Same body and
 * query as Atlas; Atlas's status and body come back unchanged (enveloped too, with `envelope=true`), plus
 * `X-Change-Request-Id` and a `Location` to follow the change. When Atlas refused the gateway's own keys, the
 * caller gets the gateway's 502 problem instead: Atlas's 401/403 would read as a fault of the caller's token. The v1.0 route accepts a partial body (its docs say "you may specify any of the
 * following parameters"); v2 the full schema. A replayed Idempotency-Key answers with the peer as Atlas
 * has it now (a GET), never a second PATCH.
 */
export async function forwardAtlasPeerPatch(
  route: { apiVersion: AtlasApiVersion; groupId: string; peerId: string },
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const [ids] = allValid(validatePeerPath(route));
  // Grants before the body: a caller who may not touch this peering learns nothing about its body's faults.
  authorizeChange(context.auth.caller, ids.groupId, ids.peerId);
  const body = readJsonBody(context.request, deps.limits.maxBodyBytes);
  const [query, settings] = allValid(
    validateAtlasQuery(context.request.query),
    validatePeeringSettings(body.value, route.apiVersion === "v1.0" ? "partial" : "full"),
  );
  const idempotencyKey = idempotencyKeyOf(context.request);
  const call = { ...ids, apiVersion: route.apiVersion, query };
  const outcome = await admitChange(
    {
      caller: context.auth.caller,
      channel: "http",
      ...call,
      provider: providerOf(settings),
      body: body.text,
      requestId: context.request.requestId,
      plan: false,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
    deps,
    context.deadline,
  );
  const headers = {
    "x-change-request-id": outcome.change.id,
    location: `/v1/peering-changes/${outcome.change.id}`,
  };
  if (outcome.kind === "replayed") {
    const current = await callAtlas(deps, call, READ_PEER, context.deadline);
    if (current.answer) return passThrough(current.answer, headers);
    return withHeaders(toProblemResponse(current.error, problemContext(context)), headers);
  }
  if (outcome.answer) return passThrough(outcome.answer, headers);
  return withHeaders(toProblemResponse(outcome.error, problemContext(context)), headers);
}

function withHeaders(result: HttpResult, headers: Record<string, string>): HttpResult {
  return { ...result, headers: { ...result.headers, ...headers } };
}

function problemContext(context: RouteContext) {
  return { requestId: context.request.requestId, instance: context.request.rawPath };
}
