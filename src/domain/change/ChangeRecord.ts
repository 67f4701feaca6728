import type { PeerSideOutcome } from "../accepter/steps.js";
import type { Channel, ReplyAddress } from "../channels.js";
import type { AtlasApiVersion } from "../peering/apiVersion.js";
import type { AtlasQuery } from "../peering/request.js";
import type { Provider } from "../peering/settings.js";
import type { ChangeState } from "../peering/status.js";
import type { ChangeOperation } from "./operations.js";

export type { Channel } from "../channels.js";

/** One step in a change's life, kept in its history. */
export interface Transition {
  /** ISO 8601 time of the transition. */
  at: string;
  from: ChangeState | null;
  to: ChangeState;
  /** Atlas's peer status when the gateway decided (e.g. PENDING_ACCEPTANCE). */
  atlasStatus?: string;
  /** Why, in a few words (e.g. "Atlas answered 503", "deadline passed"). */
  note?: string;
}

/** What the gateway last learnt from Atlas about the peer and its answers. */
export interface AtlasObservation {
  /** AWS `statusName`, Azure/GCP `status`. */
  status?: string;
  /** AWS `errorStateName`, Azure `errorState`, GCP `errorMessage`. */
  error?: string;
  connectionId?: string;
  /** Atlas's HTTP status for the last PATCH/GET. */
  httpStatus?: number;
  /** Atlas's `errorCode`/`detail` when it refused or failed. */
  errorCode?: string;
  detail?: string;
  /**
   * The peer's settings (its provider's writable fields and `containerId`) as Atlas last returned them, so next
   * actions and remediations name what Atlas holds rather than what was asked. A `null` is Atlas's own: an AWS
   * `accepterRegionName` of null means the container's region (docs/atlas-api.md §1.3).
   */
  peer?: Readonly<Record<string, string | null>>;
}

/**
 * The Atlas network container of the peer (`GET /groups/{groupId}/containers/{containerId}`), read once when
 * the change first waits for a person: Atlas's side of the peering, which next actions name. Only the fields
 * Atlas returned; just `id` when Atlas refused the read (it is not read again).
 */
export interface AtlasContainer {
  id: string;
  providerName?: string;
  /** Atlas's CIDR: the route the customer's side needs (AWS, Azure), or the range to keep clear (GCP). */
  atlasCidrBlock?: string;
  /** AWS: Atlas's name of the container's region (`US_EAST_1`). */
  regionName?: string;
  /** Azure: Atlas's name of the container's region (`US_EAST_2`). */
  region?: string;
  /** GCP: Atlas's project and network, the peer of the customer's reciprocal peering. */
  gcpProjectId?: string;
  networkName?: string;
  /** Azure: Atlas's subscription and VNet. */
  azureSubscriptionId?: string;
  vnetName?: string;
  /** AWS: Atlas's own VPC. */
  vpcId?: string;
}

/**
 * What the gateway's last run on the peer's AWS side (accepting the pcx, the routes) came to. Never the
 * request itself: that holds the accepter role's ExternalId.
 */
export interface PeerSideSummary {
  pcxId: string;
  outcome: PeerSideOutcome;
  /** Epoch ms of the run. */
  at: number;
  /** A digest of what the run was given (pcx, region, CIDR, account settings): new inputs run at once. */
  inputs: string;
  /** `failed` / `not-acceptable`: what to do, the sentence the change view's `remediation` shows. */
  remediation?: string;
  /** `failed` / `not-acceptable`: no run with the same inputs before this (epoch ms), the human-wait pace. */
  retryAt?: number;
}

/** AWS: when the peering request a change waits on must be accepted by, and which warnings went out. */
export interface AcceptanceWindow {
  /** Epoch ms after which AWS no longer lets anyone accept the request. */
  acceptBy: number;
  /** `aws`: the request's own `expirationTime`; `estimate`: first seen PENDING_ACCEPTANCE + 7 days. */
  from: "aws" | "estimate";
  /** Epoch ms the gateway first saw the request pending. */
  seenAt: number;
  /** The request (`pcx-…`), when Atlas named it: a new request (re-initiated) opens a new window. */
  connectionId?: string;
  /** The warnings already announced, in hours before `acceptBy`. */
  warned: Array<24 | 1>;
}

/**
 * A change request, durably recorded before the PATCH is sent and followed until it settles.
 * `version` increases by one on every write; writes are conditional on it, so a duplicate or out-of-order
 * re-check can never apply twice.
 */
export interface ChangeRecord {
  id: string;
  version: number;
  callerId: string;
  channel: Channel;
  groupId: string;
  peerId: string;
  provider: Provider;
  /** What the change asks of Atlas (see operations.ts). */
  operation: ChangeOperation;
  apiVersion: AtlasApiVersion;
  query: AtlasQuery;
  /** The JSON body sent to Atlas, byte for byte as the caller wrote it. */
  desired: string;
  reason?: string;
  callbackUrl?: string;
  idempotencyKey?: string;
  /** The request that created the change (API Gateway request id, Slack trigger, EventBridge event id), for the audit trail. */
  requestId?: string;
  /** Where to post progress on the channel the change came through (never shown in views or logs). */
  replyTo?: ReplyAddress;
  state: ChangeState;
  atlas: AtlasObservation;
  /** The peer's Atlas network container, once read (see {@link AtlasContainer}). */
  container?: AtlasContainer;
  /** The attempt number the next re-check must carry; a re-check with another number is stale. */
  attempt: number;
  /** Consecutive checks that found a person must act (drives the backoff while waiting). */
  waitingChecks: number;
  /**
   * Consecutive checks that found Atlas had not accepted the PATCH (drives the backoff while RETRYING).
   * Absent once Atlas took the change, and on records written before it was kept: then 0.
   */
  retryingChecks?: number;
  /** Epoch ms of the next check; absent once terminal. */
  nextCheckAt?: number;
  /**
   * Epoch ms until which an invocation may have this change's PATCH in flight (the invocation's deadline and a
   * margin). Until then nobody else sends it, the sweeper and re-checks keep off, a cancel is refused and the
   * peering's lock is not handed on: the PATCH's outcome is not known yet. Absent when nothing is in flight.
   */
  leaseUntil?: number;
  /** Epoch ms after which the change is TIMED_OUT. */
  deadline: number;
  /** AWS: when the peering request the change waits on expires, and which warnings went out (expiry.ts). */
  acceptance?: AcceptanceWindow;
  /** AWS: the gateway's last run on the peer's side of the peering, when its account is configured (peerSide.ts). */
  peerSide?: PeerSideSummary;
  /**
   * AWS: the peer's account, when the registry's `awsAccounts` lists it, so the gateway (not a person) accepts
   * the request and adds the route there; the next action says so. Set by the check that finds the request
   * pending in a listed account, removed by one that finds the account no longer listed (accepterAccount.ts).
   */
  accepterAccountId?: string;
  history: Transition[];
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** Epoch seconds at which the store may expire the record (90 days after it ended). */
  expiresAt?: number;
}
