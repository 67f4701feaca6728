import type { AtlasApiVersion } from "../ports/AtlasPeeringApi.js";
import { MethodNotAllowedError, RouteNotFoundError } from "./errors.js";

/** The routes the HTTP entry serves. */
export type Route =
  | { kind: "atlas-peer"; apiVersion: AtlasApiVersion; groupId: string; peerId: string }
  | { kind: "submit-change" };

const ATLAS_PEER = /^\/api\/atlas\/(v1\.0|v2)\/groups\/([^/]+)\/peers\/([^/]+)\/?$/;
const CHANGES = /^\/v1\/peering-changes\/?$/;

/**
 * Matches a request to a route. Ids are captured as sent and validated later, so a malformed id gets a 400
 * that names it rather than a 404.
 */
export function matchRoute(method: string, path: string): Route {
  const atlas = ATLAS_PEER.exec(path);
  if (atlas) {
    if (method !== "PATCH") throw new MethodNotAllowedError(["PATCH"]);
    return {
      kind: "atlas-peer",
      apiVersion: atlas[1] as AtlasApiVersion,
      groupId: safeDecode(atlas[2] ?? ""),
      peerId: safeDecode(atlas[3] ?? ""),
    };
  }
  if (CHANGES.test(path)) {
    if (method !== "POST") throw new MethodNotAllowedError(["POST"]);
    return { kind: "submit-change" };
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
