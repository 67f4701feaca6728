import type { PeerRecord, PeerStore } from "./peers.js";
import type { ErrorStateName } from "./progression.js";

/**
 * Turns a peer into the JSON Atlas returns for it. Each provider has its own status and error fields
 * (docs/atlas-api.md §1.3: AWS `statusName`/`errorStateName`, Azure `status`/`errorState`, GCP
 * `status`/`errorMessage`), and error fields are present as `null` on success, as in Atlas's own examples.
 */

/**
 * Free-text errors for Azure and GCP, which report text rather than an enum. Atlas's exact wording is not
 * documented, so these only have to read like an explanation a user could act on.
 */
const FAILURE_TEXT: Readonly<Record<ErrorStateName, string>> = {
  REJECTED: "The peering connection request was rejected by the peer network.",
  EXPIRED: "The peering connection request expired before it was accepted.",
  INVALID_ARGUMENT: "The peering connection request contains an invalid argument.",
};

/** The text Azure `errorState` / GCP `errorMessage` carry for a forced failure. */
export function failureText(errorStateName: ErrorStateName): string {
  return FAILURE_TEXT[errorStateName];
}

/** Sorts keys the way Atlas serialises these objects (alphabetically), so output diffs are stable. */
function sortedObject(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The read-only fields of the peer as Atlas would report them now. */
export function readOnlyFields(peer: PeerRecord, store: PeerStore): Record<string, string | null> {
  const status = store.status(peer);
  const text = peer.failure === null ? null : failureText(peer.failure);
  switch (peer.provider) {
    case "AWS":
      return {
        id: peer.id,
        connectionId: store.connectionId(peer),
        errorStateName: peer.failure,
        statusName: status,
      };
    case "AZURE":
      return { id: peer.id, errorState: text, status };
    case "GCP":
      return { id: peer.id, errorMessage: text, status };
  }
}

/** The whole peer as GET and PATCH return it. */
export function renderPeer(peer: PeerRecord, store: PeerStore): Record<string, unknown> {
  return sortedObject({
    ...peer.settings,
    ...readOnlyFields(peer, store),
    providerName: peer.provider,
  });
}
