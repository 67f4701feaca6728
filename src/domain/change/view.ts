import { parseJson } from "../json.js";
import type { ChangeState } from "../peering/status.js";
import type { AtlasObservation, ChangeRecord, Channel, Transition } from "./ChangeRecord.js";
import { awaitsAcceptance } from "./expiry.js";
import { nextAction, nextActionCommands } from "./nextAction.js";
import { peerSideRemediationOf } from "./peerSide.js";
import { remediation } from "./remediation.js";

/**
 * A change as the API, events and callbacks show it: no storage details (version, TTL), times in ISO 8601,
 * the desired body parsed, what a person must do when one must act (with commands to paste), and what to do
 * about a change that ended badly. Holds no secret.
 */
export interface ChangeView {
  id: string;
  state: ChangeState;
  groupId: string;
  peerId: string;
  provider: string;
  apiVersion: string;
  callerId: string;
  channel: Channel;
  /** The request that created the change: the correlation id of its log lines, events and callbacks. */
  correlationId: string;
  reason?: string;
  callbackUrl?: string;
  desired: unknown;
  atlas: AtlasObservation;
  attempt: number;
  nextCheckAt?: string;
  deadline: string;
  createdAt: string;
  updatedAt: string;
  history: Transition[];
  /** While WAITING_FOR_USER: the step to take, in words, from Atlas's answer and the peer's container. */
  nextAction?: string;
  /** The same step as commands to paste; `<…>` marks a value only the person acting knows. */
  nextActionCommands?: string[];
  /**
   * While an AWS peering request waits for acceptance: when AWS expires it (ISO 8601), and whether that is the
   * request's own `expirationTime` (`aws`) or 7 days after the gateway first saw it pending (`estimate`).
   */
  acceptBy?: string;
  acceptByFrom?: "aws" | "estimate";
  /**
   * FAILED, REJECTED, TIMED_OUT: what to do about it (src/domain/change/remediation.ts); WAITING_FOR_USER: why
   * the gateway's run in the peer's AWS account cannot go on by itself (peerSide.ts).
   */
  remediation?: string;
  links: { self: string };
}

/**
 * A callback URL as every caller on the peer may see it: a query string or fragment often carries a token
 * (`?token=…`), so only scheme, host and path are shown.
 */
export function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** The public view of a change record. */
export function toView(change: ChangeRecord): ChangeView {
  const waiting = change.state === "WAITING_FOR_USER";
  const action = waiting ? nextAction(change) : undefined;
  const commands = waiting ? nextActionCommands(change) : [];
  const fix = remediation(change) ?? peerSideRemediationOf(change);
  return {
    id: change.id,
    state: change.state,
    groupId: change.groupId,
    peerId: change.peerId,
    provider: change.provider,
    apiVersion: change.apiVersion,
    callerId: change.callerId,
    channel: change.channel,
    correlationId: change.requestId ?? change.id,
    ...(change.reason === undefined ? {} : { reason: change.reason }),
    ...(change.callbackUrl === undefined ? {} : { callbackUrl: withoutQuery(change.callbackUrl) }),
    desired: parseJson(change.desired, change.desired),
    atlas: change.atlas,
    attempt: change.attempt,
    ...(change.nextCheckAt === undefined ? {} : { nextCheckAt: new Date(change.nextCheckAt).toISOString() }),
    deadline: new Date(change.deadline).toISOString(),
    createdAt: new Date(change.createdAt).toISOString(),
    updatedAt: new Date(change.updatedAt).toISOString(),
    history: change.history,
    ...(action === undefined ? {} : { nextAction: action }),
    ...(commands.length === 0 ? {} : { nextActionCommands: commands }),
    ...acceptByOf(change),
    ...(fix === undefined ? {} : { remediation: fix }),
    links: { self: `/v1/peering-changes/${change.id}` },
  };
}

function acceptByOf(change: ChangeRecord): Pick<ChangeView, "acceptBy" | "acceptByFrom"> {
  const window = change.acceptance;
  if (!window || !awaitsAcceptance(change)) return {};
  return { acceptBy: new Date(window.acceptBy).toISOString(), acceptByFrom: window.from };
}
