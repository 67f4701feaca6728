import { AtlasHttpError, atlasError, fail } from "./errors.js";
import { type Page, pageOf } from "./pagination.js";
import type { PeerRecord, PeerStore } from "./peers.js";
import { isProviderName } from "./progression.js";
import { readOnlyFields, renderPeer } from "./render.js";
import { headerValue, JSON_TYPE, type SimRequest } from "./respond.js";
import { checkProvider, parsePatchBody, validateChanges } from "./validation.js";

/**
 * The network peering resource in both API generations: `/api/atlas/v1.0/…` (plain JSON) and `/api/atlas/v2/…`
 * (versioned media type). Both share the same state, so a change made through one is visible through the other.
 */

/** The one resource version Atlas publishes for peering (docs/atlas-api.md §1.2). */
export const PEERING_VERSION = "2023-01-01";

/** The media type of v2 peering answers. */
export const V2_MEDIA_TYPE = `application/vnd.atlas.${PEERING_VERSION}+json`;

/** An answer the router writes out. */
export interface RouteAnswer {
  status: number;
  body: unknown;
  contentType: string;
}

/** A request path that names the peering resource. */
export interface PeerRoute {
  generation: "v1.0" | "v2";
  groupId: string;
  peerId: string | undefined;
}

const ROUTE = /^\/api\/atlas\/(v1\.0|v2)\/groups\/([^/]+)\/peers(?:\/([^/]+))?\/?$/;
const ID = /^[a-f0-9]{24}$/;
const VERSIONED_TYPE = /application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json/gi;

/** Parses the path; undefined when it is not a peering path (the caller answers RESOURCE_NOT_FOUND). */
export function parsePeerRoute(path: string): PeerRoute | undefined {
  const match = ROUTE.exec(path);
  if (match === null) return undefined;
  const groupId = decodeURIComponent(match[2] ?? "");
  const peerId = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
  return { generation: match[1] === "v2" ? "v2" : "v1.0", groupId, peerId };
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/**
 * The content type a v2 answer gets (docs/atlas-api.md §1.2). No version date in Accept → 400
 * INVALID_VERSION_DATE; a date before the resource's first version → 406. A later date resolves to
 * 2023-01-01, the newest version not after it (inferred from Atlas's own samples sending 2025-03-12 to this
 * endpoint).
 */
export function negotiateVersion(accept: string | undefined): string {
  const dates = [...(accept ?? "").matchAll(VERSIONED_TYPE)]
    .map((match) => match[1] ?? "")
    .filter(isCalendarDate);
  if (dates.length === 0) fail("INVALID_VERSION_DATE");
  if (!dates.some((date) => date >= PEERING_VERSION)) {
    fail("UNSUPPORTED_VERSION_DATE", dates[0] ?? "", PEERING_VERSION);
  }
  return V2_MEDIA_TYPE;
}

export function methodNotAllowed(method: string, path: string, allowed: string): never {
  throw new AtlasHttpError(atlasError("METHOD_NOT_ALLOWED", method, path), { Allow: allowed });
}

/** 404 unless `groupId` is well formed and names a simulated project. */
export function lookUpGroup(store: PeerStore, groupId: string): void {
  if (!ID.test(groupId)) fail("INVALID_GROUP_ID", groupId);
  if (!store.hasGroup(groupId)) fail("GROUP_NOT_FOUND", groupId);
}

function lookUpPeer(store: PeerStore, groupId: string, peerId: string): PeerRecord {
  lookUpGroup(store, groupId);
  if (!ID.test(peerId)) fail("INVALID_PEER_ID", peerId);
  return store.find(groupId, peerId) ?? fail("PEER_NOT_FOUND", peerId, groupId);
}

function patchPeer(store: PeerStore, peer: PeerRecord, rawBody: string): Record<string, unknown> {
  const body = parsePatchBody(rawBody);
  checkProvider(body, peer);
  // A peer being deleted cannot be updated, whatever the body says
  // (PEER_INVALID_STATE, docs/atlas-api.md §2.2).
  if (peer.terminating) fail("PEER_INVALID_STATE", peer.id, peer.groupId);
  const changes = validateChanges(body, peer, readOnlyFields(peer, store));
  store.applyPatch(peer, changes);
  return renderPeer(peer, store);
}

/** One page of `{links, results, totalCount}` for one provider; Atlas defaults `providerName` to AWS here too. */
function listPeers(store: PeerStore, req: SimRequest, groupId: string): Page<Record<string, unknown>> {
  lookUpGroup(store, groupId);
  const provider = req.query.get("providerName") ?? "AWS";
  if (!isProviderName(provider)) fail("INVALID_PROVIDER", provider);
  return pageOf(
    store.list(groupId, provider).map((peer) => renderPeer(peer, store)),
    req,
  );
}

/** Answers a request for the peering resource (authentication and faults are already handled). */
export function handlePeerRoute(store: PeerStore, req: SimRequest, route: PeerRoute): RouteAnswer {
  const { peerId, groupId } = route;
  const allowed = peerId === undefined ? "GET" : "GET, PATCH";
  if (!allowed.split(", ").includes(req.method)) methodNotAllowed(req.method, req.path, allowed);
  const contentType =
    route.generation === "v2" ? negotiateVersion(headerValue(req.headers, "accept")) : JSON_TYPE;
  if (peerId === undefined) return { status: 200, body: listPeers(store, req, groupId), contentType };
  const peer = lookUpPeer(store, groupId, peerId);
  const body = req.method === "PATCH" ? patchPeer(store, peer, req.body) : renderPeer(peer, store);
  return { status: 200, body, contentType };
}
