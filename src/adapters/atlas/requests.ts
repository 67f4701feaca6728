import type { ContainerCall, PeerCall, PeerListCall } from "../../ports/AtlasPeeringApi.js";
import type { HttpRequest } from "../../ports/HttpTransport.js";

/** The only resource version Atlas has for peering endpoints (docs/atlas-api.md §1.2). */
export const ATLAS_V2_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";

const USER_AGENT = "atlas-peering-gateway";

function mediaTypeOf(apiVersion: string): string {
  return apiVersion === "v2" ? ATLAS_V2_MEDIA_TYPE : "application/json";
}

/** A peer's GET or PATCH, with Atlas's `pretty`/`envelope` flags as the caller sent them. */
export function peerRequest(method: string, base: string, call: PeerCall, body?: string): HttpRequest {
  const path = `/api/atlas/${call.apiVersion}/groups/${call.groupId}/peers/${call.peerId}`;
  const params = new URLSearchParams();
  if (call.query.pretty !== undefined) params.set("pretty", String(call.query.pretty));
  if (call.query.envelope !== undefined) params.set("envelope", String(call.query.envelope));
  const query = params.size > 0 ? `?${params}` : "";
  const mediaType = mediaTypeOf(call.apiVersion);
  const headers: Record<string, string> = { accept: mediaType, "user-agent": USER_AGENT };
  if (body !== undefined) headers["content-type"] = mediaType;
  return body === undefined
    ? { method, url: `${base}${path}${query}`, headers }
    : { method, url: `${base}${path}${query}`, headers, body };
}

/** The list's GET, with every query parameter the caller sent (already validated), as Atlas spells them. */
export function listRequest(base: string, call: PeerListCall): HttpRequest {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const query = params.size > 0 ? `?${params}` : "";
  const url = `${base}/api/atlas/${call.apiVersion}/groups/${call.groupId}/peers${query}`;
  return { method: "GET", url, headers: { accept: mediaTypeOf(call.apiVersion), "user-agent": USER_AGENT } };
}

/** The peer's network container, read without `pretty`/`envelope` (the gateway reads it, nobody else). */
export function containerRequest(base: string, call: ContainerCall): HttpRequest {
  const url = `${base}/api/atlas/v2/groups/${call.groupId}/containers/${call.containerId}`;
  return { method: "GET", url, headers: { accept: ATLAS_V2_MEDIA_TYPE, "user-agent": USER_AGENT } };
}
