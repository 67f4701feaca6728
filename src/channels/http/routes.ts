import type { AtlasApiVersion } from "../../domain/peering/apiVersion.js";
import { MethodNotAllowedError, RouteNotFoundError } from "../common/errors.js";

/** The routes the HTTP entry serves. */
export type Route =
  | { kind: "atlas-peer"; apiVersion: AtlasApiVersion; groupId: string; peerId: string }
  | { kind: "atlas-peer-read"; apiVersion: AtlasApiVersion; groupId: string; peerId: string }
  | { kind: "atlas-peer-list"; apiVersion: AtlasApiVersion; groupId: string }
  | { kind: "submit-change" }
  | { kind: "list-changes" }
  | { kind: "get-change"; id: string }
  | { kind: "cancel-change"; id: string }
  | { kind: "audit" }
  | { kind: "list-peerings" }
  | { kind: "openapi" };

const ATLAS_PEER = /^\/api\/atlas\/(v1\.0|v2)\/groups\/([^/]+)\/peers\/([^/]+)\/?$/;
const ATLAS_PEERS = /^\/api\/atlas\/(v1\.0|v2)\/groups\/([^/]+)\/peers\/?$/;
const CHANGES = /^\/v1\/peering-changes\/?$/;
const CHANGE = /^\/v1\/peering-changes\/([^/]+)\/?$/;
const AUDIT = /^\/v1\/audit\/?$/;
const PEERINGS = /^\/v1\/peerings\/?$/;
const OPENAPI = /^\/v1\/openapi\.json$/;

/** The OpenAPI document is the one route served without authentication (see HttpApi.ts). */
export function isOpenApiDocumentRequest(method: string, path: string): boolean {
  return method === "GET" && OPENAPI.test(path);
}

/**
 * Matches a request to a route. Ids are captured as sent and validated later, so a malformed id gets a 400
 * that names it rather than a 404.
 */
export function matchRoute(method: string, path: string): Route {
  const atlas = ATLAS_PEER.exec(path);
  if (atlas) {
    const peer = {
      apiVersion: atlas[1] as AtlasApiVersion,
      groupId: safeDecode(atlas[2] ?? ""),
      peerId: safeDecode(atlas[3] ?? ""),
    };
    if (method === "PATCH") return { kind: "atlas-peer", ...peer };
    if (method === "GET") return { kind: "atlas-peer-read", ...peer };
    throw new MethodNotAllowedError(["GET", "PATCH"]);
  }
  const peers = ATLAS_PEERS.exec(path);
  if (peers) {
    // Atlas also creates peers here (POST); the gateway does not.
    if (method !== "GET") throw new MethodNotAllowedError(["GET"]);
    const apiVersion = peers[1] as AtlasApiVersion;
    return { kind: "atlas-peer-list", apiVersion, groupId: safeDecode(peers[2] ?? "") };
  }
  if (CHANGES.test(path)) {
    if (method === "POST") return { kind: "submit-change" };
    if (method === "GET") return { kind: "list-changes" };
    throw new MethodNotAllowedError(["GET", "POST"]);
  }
  if (AUDIT.test(path)) {
    if (method === "GET") return { kind: "audit" };
    throw new MethodNotAllowedError(["GET"]);
  }
  if (PEERINGS.test(path)) {
    if (method === "GET") return { kind: "list-peerings" };
    throw new MethodNotAllowedError(["GET"]);
  }
  if (OPENAPI.test(path)) {
    if (method === "GET") return { kind: "openapi" };
    throw new MethodNotAllowedError(["GET"]);
  }
  const change = CHANGE.exec(path);
  if (change) {
    const id = safeDecode(change[1] ?? "");
    if (method === "GET") return { kind: "get-change", id };
    if (method === "DELETE") return { kind: "cancel-change", id };
    throw new MethodNotAllowedError(["GET", "DELETE"]);
  }
  throw new RouteNotFoundError(`Nothing is served at ${path}.`);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
