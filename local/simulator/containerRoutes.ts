import type { ContainerStore } from "./containers.js";
import { renderContainer } from "./containers.js";
import { fail } from "./errors.js";
import { pageOf } from "./pagination.js";
import {
  lookUpGroup,
  methodNotAllowed,
  negotiateVersion,
  type PeerRoute,
  type RouteAnswer,
} from "./peerRoutes.js";
import type { PeerStore } from "./peers.js";
import { isProviderName } from "./progression.js";
import { headerValue, JSON_TYPE, type SimRequest } from "./respond.js";

/**
 * The network peering containers, read-only, in both API generations: `GET …/containers/{containerId}`
 * (`getGroupContainer`), `GET …/containers?providerName=…` (`listGroupContainers`) and `GET …/containers/all`
 * (`listGroupContainerAll`). Creating, changing or deleting containers is not simulated.
 */

/** A request path that names the container resource; `containerId` "all" is the every-provider list. */
export interface ContainerRoute {
  generation: PeerRoute["generation"];
  groupId: string;
  containerId: string | undefined;
}

const ROUTE = /^\/api\/atlas\/(v1\.0|v2)\/groups\/([^/]+)\/containers(?:\/([^/]+))?\/?$/;
const ID = /^[a-f0-9]{24}$/;

/** Parses the path; undefined when it is not a container path. */
export function parseContainerRoute(path: string): ContainerRoute | undefined {
  const match = ROUTE.exec(path);
  if (match === null) return undefined;
  return {
    generation: match[1] === "v2" ? "v2" : "v1.0",
    groupId: decodeURIComponent(match[2] ?? ""),
    containerId: match[3] === undefined ? undefined : decodeURIComponent(match[3]),
  };
}

/**
 * The list's provider. The v2 spec marks `providerName` required with default AWS; the simulator takes the
 * default when it is absent (what Atlas answers without it is not documented).
 */
function listedProvider(req: SimRequest) {
  const provider = req.query.get("providerName") ?? "AWS";
  return isProviderName(provider) ? provider : fail("INVALID_PROVIDER", provider);
}

function answer(stores: ContainerStores, req: SimRequest, route: ContainerRoute): unknown {
  const { groupId, containerId } = route;
  lookUpGroup(stores.peers, groupId);
  if (containerId === undefined || containerId === "all") {
    const provider = containerId === "all" ? undefined : listedProvider(req);
    return pageOf(stores.containers.list(groupId, provider).map(renderContainer), req);
  }
  // Atlas has one code for a malformed and an unknown container id.
  const container = ID.test(containerId) ? stores.containers.find(groupId, containerId) : undefined;
  return renderContainer(container ?? fail("CLOUD_PROVIDER_CONTAINER_NOT_FOUND", containerId));
}

/** What the container routes read: the projects (from the peer store) and the containers. */
export interface ContainerStores {
  peers: PeerStore;
  containers: ContainerStore;
}

/** Answers a request for the container resource (authentication and faults are already handled). */
export function handleContainerRoute(
  stores: ContainerStores,
  req: SimRequest,
  route: ContainerRoute,
): RouteAnswer {
  if (req.method !== "GET") methodNotAllowed(req.method, req.path, "GET");
  const contentType =
    route.generation === "v2" ? negotiateVersion(headerValue(req.headers, "accept")) : JSON_TYPE;
  return { status: 200, body: answer(stores, req, route), contentType };
}
