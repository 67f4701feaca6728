import { type ChangeState, type PeerStatus, stateForPeer } from "../peering/status.js";

/**
 * What a change asks of Atlas. Today one operation: `update` (PATCH the peer's settings). A later operation
 * (deleting a peering, accepting one) adds its name here and its row below, instead of the code guessing the
 * operation from whether a body is present. Records stored before operations were explicit are `update`.
 */
export type ChangeOperation = "update";

export const CHANGE_OPERATIONS: readonly ChangeOperation[] = ["update"];

/** The Atlas call that carries out (or re-sends) the operation, or reads where it stands. */
export type AtlasRequest = { method: "GET" } | { method: "PATCH"; body: string };

/** Reading the peer: how every operation is followed once Atlas has taken it. */
export const READ_PEER: AtlasRequest = { method: "GET" };

interface OperationRules {
  /** The request that carries the operation out (the first send, and a re-send while RETRYING). */
  send(change: { desired: string }): AtlasRequest;
  /** The change's state once Atlas answered with the peer (an update is done when the peer is AVAILABLE). */
  stateForPeer(peer: PeerStatus): ChangeState;
}

/** Per operation: what is sent, and which peer status ends it. */
export const OPERATION_RULES: Record<ChangeOperation, OperationRules> = {
  update: {
    send: (change) => ({ method: "PATCH", body: change.desired }),
    stateForPeer,
  },
};

/**
 * The operation of a stored record: absent on records written before operations were explicit (`update`). An
 * operation this version does not know (written by a newer one) is refused rather than guessed: guessing would
 * send the wrong request to Atlas.
 */
export function operationOf(record: { operation?: string | undefined }): ChangeOperation {
  if (record.operation === undefined) return "update";
  const known = CHANGE_OPERATIONS.find((operation) => operation === record.operation);
  if (!known) throw new TypeError(`Unknown change operation ${JSON.stringify(record.operation)}.`);
  return known;
}
