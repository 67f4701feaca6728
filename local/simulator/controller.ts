import { parseFaultSpec } from "./faultSpec.js";
import type { Fault, FaultQueue, FaultSpec } from "./faults.js";
import type { PeerRecord, PeerStore } from "./peers.js";
import { type ErrorStateName, isErrorStateName } from "./progression.js";
import { renderPeer } from "./render.js";

/**
 * The in-process face of the control endpoint: the same operations `/__sim/…` offers, for tests and embedders
 * that hold the simulator object. The HTTP control routes call these too, so both stay identical.
 */

/** A control operation that cannot be done; `status` is what the control endpoint answers. */
export class ControlError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ControlError";
    this.status = status;
  }
}

/** Fault injection and forced peer states. */
export interface FaultController {
  /** Queues a fault rule (validated like `POST /__sim/faults`) and returns it with its id. */
  inject(spec: FaultSpec): Fault;
  /** The pending fault rules, oldest first. */
  list(): Fault[];
  /** Drops every pending fault rule (`DELETE /__sim/faults`). */
  clear(): void;
  /** Forces the peer to FAILED with this error state and returns the peer as Atlas now shows it. */
  failPeer(peerId: string, errorStateName: ErrorStateName): Record<string, unknown>;
  /** Skips the customer's step (AWS PENDING_ACCEPTANCE, GCP WAITING_FOR_USER) at once. */
  acceptPeer(peerId: string): Record<string, unknown>;
  /** Puts the peer into TERMINATING (AWS) / DELETING (Azure, GCP), where PATCH answers PEER_INVALID_STATE. */
  terminatePeer(peerId: string): Record<string, unknown>;
}

function requirePeer(store: PeerStore, peerId: string): PeerRecord {
  const peer = store.byId(peerId);
  if (peer === undefined) throw new ControlError(404, `no simulated peer with id ${peerId}`);
  if (peer.terminating) throw new ControlError(409, `peer ${peerId} is being deleted`);
  return peer;
}

/** Builds the controller over the simulator's fault queue and peer store. */
export function createFaultController(queue: FaultQueue, store: PeerStore): FaultController {
  return {
    inject: (spec) => queue.add(parseFaultSpec(spec)),
    list: () => queue.list(),
    clear: () => queue.clear(),
    failPeer(peerId, errorStateName) {
      if (!isErrorStateName(errorStateName)) {
        throw new ControlError(400, `errorStateName must be REJECTED, EXPIRED or INVALID_ARGUMENT`);
      }
      const peer = requirePeer(store, peerId);
      store.fail(peer, errorStateName);
      return renderPeer(peer, store);
    },
    acceptPeer(peerId) {
      const peer = requirePeer(store, peerId);
      if (peer.failure !== null) throw new ControlError(409, `peer ${peerId} has FAILED; PATCH it to retry`);
      store.accept(peer);
      return renderPeer(peer, store);
    },
    terminatePeer(peerId) {
      const peer = requirePeer(store, peerId);
      store.terminate(peer);
      return renderPeer(peer, store);
    },
  };
}
