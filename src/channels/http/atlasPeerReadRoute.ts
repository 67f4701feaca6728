import { authorizeProjectRead, authorizeRead } from "../../access/policy.js";
import type { AtlasApiVersion } from "../../domain/peering/apiVersion.js";
import { validateGroupPath, validatePeerListQuery } from "../../domain/peering/readQuery.js";
import { validateAtlasQuery, validatePeerPath } from "../../domain/peering/request.js";
import { listPeers, type PeerReadResult, readPeer } from "../../usecases/readPeers.js";
import type { HttpResult } from "../common/response.js";
import { allValid } from "../common/validated.js";
import { passThrough } from "./atlasAnswer.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * The Atlas-compatible reads, `GET /api/atlas/{v1.0|v2}/groups/{groupId}/peers/{peerId}` and
 * `GET /api/atlas/{v1.0|v2}/groups/{groupId}/peers`: Atlas's status, body and `Content-Type` come back
 * unchanged (plus `Retry-After` and `RateLimit-*` when Atlas sends them), so a script written against Atlas
 * reads through the gateway by changing only its base URL and credentials. Read-only grants may use them.
 * Grants are checked before the query, as on the PATCH route: a caller outside them learns nothing else.
 * Failures without an Atlas answer (keys refused, Atlas unreachable) are the gateway's problems.
 */

/** `GET …/groups/{groupId}/peers/{peerId}?pretty=&envelope=`. */
export async function readAtlasPeer(
  route: { apiVersion: AtlasApiVersion; groupId: string; peerId: string },
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const [ids] = allValid(validatePeerPath(route));
  authorizeRead(context.auth.caller, ids.groupId, ids.peerId);
  const [query] = allValid(validateAtlasQuery(context.request.query));
  const call = { ...ids, apiVersion: route.apiVersion, query };
  const read = await readPeer(
    reader(context, `GET /api/atlas/${route.apiVersion}/groups/{groupId}/peers/{peerId}`),
    call,
    deps,
    context.deadline,
  );
  return rendered(read);
}

/** `GET …/groups/{groupId}/peers?providerName=&pageNum=&itemsPerPage=&includeCount=&pretty=&envelope=`. */
export async function listAtlasPeers(
  route: { apiVersion: AtlasApiVersion; groupId: string },
  context: RouteContext,
  deps: HttpApiDeps,
): Promise<HttpResult> {
  const [ids] = allValid(validateGroupPath(route));
  authorizeProjectRead(context.auth.caller, ids.groupId);
  const [query] = allValid(validatePeerListQuery(context.request.query));
  const call = { groupId: ids.groupId, apiVersion: route.apiVersion, query };
  const read = await listPeers(
    reader(context, `GET /api/atlas/${route.apiVersion}/groups/{groupId}/peers`),
    call,
    deps,
    context.deadline,
  );
  return rendered(read);
}

function reader(context: RouteContext, route: string) {
  return {
    caller: context.auth.caller,
    channel: "http" as const,
    requestId: context.request.requestId,
    route,
  };
}

/** Atlas's answer as it came; a failure is thrown, to be answered (and logged) as the gateway's problem. */
function rendered(read: PeerReadResult): HttpResult {
  if ("error" in read) throw read.error;
  return passThrough(read.answer);
}
