import { PROVIDER_MODULES, PROVIDERS } from "./providers/index.js";

/**
 * What the gateway says about a change request. Part of the vocabulary only applies once changes are followed
 * durably (RETRYING, TIMED_OUT, CANCELLED); it is defined once, here.
 */
export const CHANGE_STATES = [
  "RETRYING",
  "IN_PROGRESS",
  "WAITING_FOR_USER",
  "SUCCEEDED",
  "FAILED",
  "REJECTED",
  "TIMED_OUT",
  "CANCELLED",
] as const;

export type ChangeState = (typeof CHANGE_STATES)[number];

/** A peer's status as Atlas reports it, read from whichever fields its provider uses. */
export interface PeerStatus {
  /** AWS `statusName`, Azure/GCP `status`. */
  status?: string;
  /** AWS `errorStateName`, Azure `errorState`, GCP `errorMessage`. */
  error?: string;
  connectionId?: string;
}

const WAITING_FOR_USER = new Set(["PENDING_ACCEPTANCE", "WAITING_FOR_USER"]);
const FAILED = new Set(["FAILED", "TERMINATING", "DELETING", "DELETION_FAILED"]);

/** Each provider's status field, then its error field, in {@link PROVIDERS} order without repeats. */
const STATUS_FIELDS = [...new Set(PROVIDERS.map((name) => PROVIDER_MODULES[name].statusField))];
const ERROR_FIELDS = [...new Set(PROVIDERS.map((name) => PROVIDER_MODULES[name].errorField))];

/** The first of `fields` that `peer` has a non-empty string in. */
function firstText(peer: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = text(peer[field]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Reads the status fields out of an Atlas peer body (unwrapping `envelope=true` answers), from whichever
 * provider's fields it carries (each module's `statusField`/`errorField`): AWS uses
 * `statusName`/`errorStateName`; Azure `status`/`errorState`; GCP `status`/`errorMessage`.
 */
export function readPeerStatus(body: unknown): PeerStatus {
  const peer = unwrapEnvelope(body);
  if (!peer) return {};
  const status = firstText(peer, STATUS_FIELDS);
  const error = firstText(peer, ERROR_FIELDS);
  const connectionId = text(peer.connectionId);
  return {
    ...(status ? { status } : {}),
    ...(error ? { error } : {}),
    ...(connectionId ? { connectionId } : {}),
  };
}

/**
 * The gateway state for a peer status: AVAILABLE is done; PENDING_ACCEPTANCE / WAITING_FOR_USER need a person
 * on the cloud side; FAILED, an error field, or the peer going away is a failure; anything else (INITIATING,
 * FINALIZING, ADDING_PEER, or a status Atlas adds later) means Atlas is still working.
 */
export function stateForPeer(peer: PeerStatus): ChangeState {
  if (peer.error || (peer.status && FAILED.has(peer.status))) return "FAILED";
  if (peer.status === "AVAILABLE") return "SUCCEEDED";
  if (peer.status && WAITING_FOR_USER.has(peer.status)) return "WAITING_FOR_USER";
  return "IN_PROGRESS";
}

/** Terminal states never change again. */
export function isTerminal(state: ChangeState): boolean {
  return TERMINAL.has(state);
}

const TERMINAL: ReadonlySet<ChangeState> = new Set([
  "SUCCEEDED",
  "FAILED",
  "REJECTED",
  "TIMED_OUT",
  "CANCELLED",
]);

/**
 * The peer's JSON object in an Atlas peer body, unwrapped from `envelope=true` (`{status, content}`) as
 * {@link readPeerStatus} reads it; undefined when the body is not an object.
 */
export function peerObject(body: unknown): Record<string, unknown> | undefined {
  return unwrapEnvelope(body);
}

function unwrapEnvelope(body: unknown): Record<string, unknown> | undefined {
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const content = record.content;
  if (typeof record.status === "number" && content && typeof content === "object") {
    return content as Record<string, unknown>;
  }
  return record;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
