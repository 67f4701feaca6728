import { fail } from "./errors.js";
import type { RouteAnswer } from "./peerRoutes.js";
import { ENDPOINT_SET_ID, type RateLimits } from "./rateLimit.js";
import type { SimRequest } from "./respond.js";

/**
 * `GET /api/atlas/v2/rateLimits` (`listRateLimits`, docs/atlas-api.md §2.3): the endpoint sets and their token
 * buckets, so a client can size its own budget. The simulator has one set, the project-scoped peering and
 * container endpoints, and lists it only while `ATLAS_SIM_RATE_LIMIT` enforces a bucket (the advisory
 * headers are no limit to plan by). `groupId` and `endpointPath` filter as on Atlas.
 */

export const RATE_LIMITS_PATH = "/api/atlas/v2/rateLimits";

/** The inspection endpoint's own resource version (not the peering endpoints' 2023-01-01). */
export const RATE_LIMITS_MEDIA_TYPE = "application/vnd.atlas.2025-03-12+json";

const ENDPOINTS = [
  { method: "GET", path: "/api/atlas/v2/groups/{groupId}/peers/{peerId}" },
  { method: "PATCH", path: "/api/atlas/v2/groups/{groupId}/peers/{peerId}" },
  { method: "GET", path: "/api/atlas/v2/groups/{groupId}/peers" },
  { method: "GET", path: "/api/atlas/v2/groups/{groupId}/containers/{containerId}" },
  { method: "GET", path: "/api/atlas/v1.0/groups/{groupId}/peers/{peerId}" },
  { method: "PATCH", path: "/api/atlas/v1.0/groups/{groupId}/peers/{peerId}" },
];

/** Whether the request is for the inspection endpoint (it is answered from here, outside any bucket). */
export function isRateLimitsPath(path: string): boolean {
  return path.replace(/\/$/, "") === RATE_LIMITS_PATH;
}

/** Answers the inspection request. */
export function handleRateLimits(limits: RateLimits, req: SimRequest): RouteAnswer {
  if (req.method !== "GET") fail("METHOD_NOT_ALLOWED", req.method, req.path);
  const limit = limits.limit;
  const endpointPath = req.query.get("endpointPath");
  const matches = endpointPath === null || ENDPOINTS.some((e) => e.path === endpointPath);
  const results =
    limit === undefined || !matches
      ? []
      : [
          {
            capacity: { defaultValue: limit.capacity, value: limit.capacity },
            endpointSetId: ENDPOINT_SET_ID,
            endpointSetName: "Network peering (simulated)",
            endpoints: ENDPOINTS,
            refillDurationSeconds: { defaultValue: limit.seconds, value: limit.seconds },
            refillRate: { defaultValue: limit.refill, value: limit.refill },
            scope: "GROUP",
          },
        ];
  const self = { href: `${req.url}`, rel: "self" };
  return {
    status: 200,
    body: { links: [self], results, totalCount: results.length },
    contentType: RATE_LIMITS_MEDIA_TYPE,
  };
}
