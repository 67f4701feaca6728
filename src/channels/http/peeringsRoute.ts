import { validateInventoryQuery } from "../../domain/peering/inventoryQuery.js";
import { listPeerings } from "../../usecases/listPeerings.js";
import { inventoryAnswer } from "../common/inventoryAnswer.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import type { HttpApiDeps, RouteContext } from "./context.js";

/**
 * `GET /v1/peerings?groupId=&q=&provider=`: every peering of the project across AWS, AZURE and GCP with its
 * Atlas status, its last change through the gateway, its next action and its Terraform import id; 403 for a
 * project the caller is not granted (read-only grants may list). A provider whose list Atlas would not give is
 * named in `errors`; the answer is still 200 with the other providers' peerings.
 */
export async function listPeeringsRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const [query] = allValid(validateInventoryQuery(context.request.query));
  const reader = {
    caller: context.auth.caller,
    channel: "http" as const,
    requestId: context.request.requestId,
    route: "GET /v1/peerings",
  };
  return json(200, inventoryAnswer(await listPeerings(query, reader, deps, context.deadline)));
}
