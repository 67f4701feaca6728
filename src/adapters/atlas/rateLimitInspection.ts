import { rateLimitOfEndpointSet } from "../../domain/atlasBudget.js";
import type { LearntLimit } from "../../ports/AtlasRateBudget.js";
import type { HttpTransport } from "../../ports/HttpTransport.js";
import type { Authenticator } from "./digest/DigestAuthenticator.js";

/** `listRateLimits`' own resource version (docs/atlas-api.md §2.3), not the peering endpoints'. */
export const RATE_LIMITS_MEDIA_TYPE = "application/vnd.atlas.2025-03-12+json";

/** The peer endpoint, as `endpointPath` names it: the set the budget is sized from. */
const PEER_ENDPOINT = "/api/atlas/v2/groups/{groupId}/peers/{peerId}";

/** The inspection gets this long at most: the call it sizes the budget for is waiting. */
const INSPECTION_TIMEOUT_MS = 3_000;

/**
 * Asks Atlas how the peer endpoint is limited for this project (`GET /api/atlas/v2/rateLimits?groupId=…&
 * endpointPath=…`, which needs Project Read Only). Whatever goes wrong (not allowed, not listed, no answer),
 * the answer is "no limit known": the budget then paces by Atlas's answers alone, and the question is asked
 * again when the learnt answer expires. Nothing of the answer is logged.
 */
export async function inspectRateLimit(
  auth: Authenticator,
  transport: HttpTransport,
  target: { baseUrl: string; groupId: string },
  now: number,
): Promise<LearntLimit> {
  const unknown: LearntLimit = { perProject: false, learntAt: now };
  const query = new URLSearchParams({ groupId: target.groupId, endpointPath: PEER_ENDPOINT });
  const deadline = now + INSPECTION_TIMEOUT_MS;
  try {
    const answer = await auth.send(
      transport,
      {
        method: "GET",
        url: `${target.baseUrl}/api/atlas/v2/rateLimits?${query}`,
        headers: { accept: RATE_LIMITS_MEDIA_TYPE, "user-agent": "atlas-peering-gateway" },
        signal: AbortSignal.timeout(INSPECTION_TIMEOUT_MS),
      },
      { deadline },
    );
    if (answer.status !== 200) return unknown;
    const results = (JSON.parse(answer.body) as { results?: unknown }).results;
    const found = Array.isArray(results) ? results.map(rateLimitOfEndpointSet).find(Boolean) : undefined;
    return found ? { ...found, learntAt: now } : unknown;
  } catch {
    return unknown;
  }
}
