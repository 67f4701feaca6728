import { handleRequestedEvent } from "../src/events/handleRequestedEvent.js";
import type { HttpResult } from "../src/http/response.js";
import type { LocalRoutes } from "./apiGatewayServer.js";
import type { LocalDeps } from "./localDeps.js";

/**
 * The local stack's own endpoints, beside the gateway's API:
 * - `POST /__local/events`: put a `Peering Change Requested` event (the whole EventBridge event, or just its
 *   `detail`), as the events Lambda would receive it from the bus;
 * - `GET /__local/events`: every event the gateway published (state changes and rejections).
 * Loopback only, like the rest of the local stack; never part of the deployed API.
 */
export function localRoutes(deps: LocalDeps): LocalRoutes {
  return async (method, path, body) => {
    if (path !== "/__local/events") return undefined;
    if (method === "GET") return json(200, deps.events.events);
    if (method !== "POST") return json(405, { message: "GET or POST" });
    let event: unknown;
    try {
      event = JSON.parse(body.toString("utf8"));
    } catch {
      return json(400, { message: "the body must be JSON" });
    }
    const outcome = await handleRequestedEvent(
      asEvent(event),
      { ...deps, logger: deps.logger.createChild() },
      Date.now() + 60_000,
    );
    return json(outcome.kind === "rejected" ? 422 : 202, outcome);
  };
}

/** Wraps a bare detail into the envelope EventBridge would deliver. */
function asEvent(value: unknown): unknown {
  if (value && typeof value === "object" && "detail-type" in value) return value;
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Peering Change Requested",
    source: "local.automation",
    account: "000000000000",
    time: new Date().toISOString(),
    region: "local",
    resources: [],
    detail: value,
  };
}

function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
