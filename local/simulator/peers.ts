import { randomBytes } from "node:crypto";
import { allDemoPeers, DEMO_PROJECT, type DemoProject, demoSettings } from "./demo.js";
import {
  acceptProgression,
  completedProgression,
  type ErrorStateName,
  hasReached,
  type Progression,
  type ProviderName,
  startProgression,
  statusAt,
} from "./progression.js";
import { mergeKept } from "./stateCodec.js";

/**
 * The simulator's peers: their settings, where their status progression stands, and the states the control
 * endpoint can force (FAILED, TERMINATING). Statuses are computed on read from the injected clock.
 */

/** One simulated peering connection. */
export interface PeerRecord {
  readonly id: string;
  readonly groupId: string;
  readonly provider: ProviderName;
  /** Writable settings (containerId, vpcId, vnetName, …) exactly as Atlas echoes them. */
  settings: Record<string, string | null>;
  progression: Progression;
  /** AWS only: the pcx id Atlas shows once the request reached PENDING_ACCEPTANCE. */
  connectionId: string | null;
  /** The pcx id the current progression reveals at PENDING_ACCEPTANCE. */
  pendingConnectionId: string | null;
  failure: ErrorStateName | null;
  terminating: boolean;
  /** When FAILED or TERMINATING was forced: the progression stops there so the pcx id does not appear later. */
  frozenAt: number | null;
}

/** Clock and pace shared by every peer. */
export interface PeerClock {
  now: () => number;
  stepMs: number;
  /** False: peers wait at PENDING_ACCEPTANCE / WAITING_FOR_USER until accepted through the control endpoint. */
  autoAccept?: boolean;
}

/** A fresh AWS peering connection id: `pcx-` and 17 lowercase hex digits, the current AWS format. */
export function newConnectionId(): string {
  return `pcx-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

function demoRecords(demo: DemoProject, now: number): PeerRecord[] {
  return allDemoPeers(demo).map((peer) => ({
    id: peer.peerId,
    groupId: demo.groupId,
    provider: peer.providerName,
    settings: demoSettings(peer),
    progression: completedProgression(peer.providerName, now),
    connectionId: peer.providerName === "AWS" ? peer.connectionId : null,
    pendingConnectionId: null,
    failure: null,
    terminating: false,
    frozenAt: null,
  }));
}

/** State of every simulated project and peer. */
export class PeerStore {
  readonly #clock: PeerClock;
  readonly #demo: DemoProject;
  #peers = new Map<string, PeerRecord>();
  /** Told after every change, so the state can be kept (see stateFile.ts). */
  onChange: () => void = () => undefined;
  /**
   * Told once per pcx id, when a read first shows an AWS peer waiting for acceptance with it: the moment the
   * request exists on the peer's AWS side (see `onPendingAcceptance` in index.ts). Told during that read, so
   * whoever learns of the pcx from Atlas's answer finds the request already there.
   */
  onPendingAcceptance: (peer: PeerRecord, connectionId: string) => void = () => undefined;
  readonly #announced = new Set<string>();

  constructor(clock: PeerClock, demo: DemoProject = DEMO_PROJECT) {
    this.#clock = clock;
    this.#demo = demo;
    this.#peers = this.#demoPeers();
  }

  /** Puts every peer back to its demo state. */
  reset(): void {
    this.#peers = this.#demoPeers();
    this.onChange();
  }

  /** The demo peers, each replaced by the kept record of the same id (a state file being loaded). */
  restore(kept: readonly PeerRecord[]): void {
    const records = mergeKept([...this.#demoPeers().values()], kept);
    this.#peers = new Map(records.map((record) => [record.id, { ...record }]));
  }

  /** Every peer, for the state file. */
  snapshot(): PeerRecord[] {
    return [...this.#peers.values()];
  }

  /** Whether a project with this id exists. */
  hasGroup(groupId: string): boolean {
    return groupId === this.#demo.groupId;
  }

  /** The peer with this id, whatever project it belongs to (used by the control endpoint). */
  byId(peerId: string): PeerRecord | undefined {
    return this.#peers.get(peerId);
  }

  /** The peer with this id inside this project. */
  find(groupId: string, peerId: string): PeerRecord | undefined {
    const peer = this.#peers.get(peerId);
    return peer?.groupId === groupId ? peer : undefined;
  }

  /** The project's peers of one provider, in creation order, as Atlas lists them. */
  list(groupId: string, provider: ProviderName): PeerRecord[] {
    return [...this.#peers.values()].filter((peer) => peer.groupId === groupId && peer.provider === provider);
  }

  /** The status field value at the current time (`statusName` for AWS, `status` otherwise). */
  status(peer: PeerRecord): string {
    if (peer.terminating) return peer.provider === "AWS" ? "TERMINATING" : "DELETING";
    if (peer.failure !== null) return "FAILED";
    const hold = this.#clock.autoAccept === false;
    return statusAt(peer.provider, peer.progression, this.#progressTime(peer), this.#clock.stepMs, hold);
  }

  /** AWS `connectionId` at the current time: the new pcx id shows up once PENDING_ACCEPTANCE is reached. */
  connectionId(peer: PeerRecord): string | null {
    const pending = peer.pendingConnectionId;
    const time = this.#progressTime(peer);
    if (
      pending !== null &&
      hasReached(peer.provider, peer.progression, "PENDING_ACCEPTANCE", time, this.#clock.stepMs)
    ) {
      this.#announce(peer, pending);
      return pending;
    }
    return peer.connectionId;
  }

  #announce(peer: PeerRecord, connectionId: string): void {
    if (this.#announced.has(connectionId) || this.status(peer) !== "PENDING_ACCEPTANCE") return;
    this.#announced.add(connectionId);
    this.onPendingAcceptance(peer, connectionId);
  }

  /** Merges validated changes, clears any failure and restarts the progression, as an Atlas PATCH does. */
  applyPatch(peer: PeerRecord, changes: Readonly<Record<string, string | null>>): void {
    peer.settings = { ...peer.settings, ...changes };
    peer.failure = null;
    peer.frozenAt = null;
    peer.progression = startProgression(this.#clock.now());
    if (peer.provider === "AWS") {
      // A re-initialised AWS peering is a new VPC peering request: no pcx id until Atlas has created it.
      peer.connectionId = null;
      peer.pendingConnectionId = newConnectionId();
    }
    this.onChange();
  }

  /** Forces the peer into FAILED with the given error state. */
  fail(peer: PeerRecord, errorStateName: ErrorStateName): void {
    peer.failure = errorStateName;
    peer.frozenAt ??= this.#clock.now();
    this.onChange();
  }

  /** Skips the customer's step (AWS acceptance, GCP reciprocal peering) at once. */
  accept(peer: PeerRecord): void {
    peer.progression = acceptProgression(
      peer.provider,
      peer.progression,
      this.#clock.now(),
      this.#clock.stepMs,
      this.#clock.autoAccept === false,
    );
    this.onChange();
  }

  /** Marks the peer as being deleted, so PATCHes get PEER_INVALID_STATE. */
  terminate(peer: PeerRecord): void {
    peer.terminating = true;
    peer.frozenAt ??= this.#clock.now();
    this.onChange();
  }

  #demoPeers(): Map<string, PeerRecord> {
    const records = demoRecords(this.#demo, this.#clock.now());
    return new Map(records.map((record) => [record.id, record]));
  }

  #progressTime(peer: PeerRecord): number {
    return peer.frozenAt ?? this.#clock.now();
  }
}
