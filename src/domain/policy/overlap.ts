/**
 * Whether a desired peer CIDR overlaps what Atlas already routes: another peer's CIDR in the project (Atlas
 * answers such a PATCH 409 OVERLAPPING_CIDR_BLOCK) or the Atlas container's own block (409
 * OVERLAPPING_ATLAS_CIDR_BLOCK). Pure: the peers and the container are read by the use case.
 *
 * Which peers carry a CIDR of the customer's: only AWS peers (`routeTableCidrBlock`, the customer's VPC
 * CIDR). Atlas's Azure and GCP peer bodies name a VNet or network, never its CIDR, so there is nothing of
 * theirs to compare; {@link PEER_CIDR_FIELDS} is where a provider that gains one would be added.
 */
import type { Provider } from "../peering/providers/provider.js";
import { textOverlaps } from "./cidr.js";

/** The field of each provider's peer that holds the customer side's CIDR, when it has one. */
export const PEER_CIDR_FIELDS: Readonly<Record<Provider, string | undefined>> = {
  AWS: "routeTableCidrBlock",
  AZURE: undefined,
  GCP: undefined,
};

/** The providers whose peers must be listed to compare CIDRs (Atlas lists one provider per request). */
export const PROVIDERS_WITH_PEER_CIDRS: readonly Provider[] = (
  Object.keys(PEER_CIDR_FIELDS) as Provider[]
).filter((provider) => PEER_CIDR_FIELDS[provider] !== undefined);

/** One block the desired CIDR overlaps. */
export type OverlapFinding =
  | { kind: "peer"; peerId: string; cidr: string }
  | { kind: "atlas"; containerId: string; cidr: string };

/** A peer as Atlas lists it, reduced to what the check reads. */
export interface ListedPeer {
  id?: unknown;
  [field: string]: unknown;
}

/**
 * Every block `desired` overlaps: the Atlas container's first, then each other peer's (the peer being
 * changed is skipped: its own current CIDR is what the change replaces).
 *
 * @example findOverlaps("10.8.0.0/24", "p1", { AWS: [{ id: "p2", routeTableCidrBlock: "10.8.0.0/21" }] })
 * // [{ kind: "peer", peerId: "p2", cidr: "10.8.0.0/21" }]
 */
export function findOverlaps(
  desired: string,
  selfPeerId: string,
  peers: Partial<Record<Provider, readonly ListedPeer[]>>,
  container?: { id: string; atlasCidrBlock?: string },
): OverlapFinding[] {
  const found: OverlapFinding[] = [];
  if (container?.atlasCidrBlock && textOverlaps(desired, container.atlasCidrBlock)) {
    found.push({ kind: "atlas", containerId: container.id, cidr: container.atlasCidrBlock });
  }
  for (const [provider, listed] of Object.entries(peers) as Array<[Provider, readonly ListedPeer[]]>) {
    const field = PEER_CIDR_FIELDS[provider];
    if (field === undefined) continue;
    for (const peer of listed) {
      const cidr = peer[field];
      if (typeof peer.id !== "string" || peer.id === selfPeerId || typeof cidr !== "string") continue;
      if (textOverlaps(desired, cidr)) found.push({ kind: "peer", peerId: peer.id, cidr });
    }
  }
  return found;
}

/** The findings in words, e.g. `the Atlas CIDR 192.168.248.0/21 of container 5f…d1; peer 5f…c2's 10.8.0.0/21`. */
export function describeOverlaps(findings: readonly OverlapFinding[]): string {
  return findings
    .map((f) =>
      f.kind === "atlas"
        ? `the Atlas CIDR ${f.cidr} of container ${f.containerId}`
        : `peer ${f.peerId}'s ${f.cidr}`,
    )
    .join("; ");
}
