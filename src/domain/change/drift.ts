/**
 * Drift (issue 15 item 4): a peering the gateway last changed successfully that Atlas no longer holds as the
 * change left it: a setting changed out of band (a console edit, another tool's PATCH), the peer went FAILED
 * on its own (revoked permissions, a deleted VPC), or it is gone. Pure: the sweeper's drift check reads Atlas
 * and the store, this decides what differs and whether it was announced already.
 */
import { createHash } from "node:crypto";
import { parseObject } from "../json.js";
import { type PeerStatus, stateForPeer } from "../peering/status.js";
import type { ChangeRecord } from "./ChangeRecord.js";
import type { DriftedField, DriftReport } from "./driftReport.js";
import { unheldSettings } from "./lifecycle.js";
import { type Notification, type NotificationTarget, notificationId } from "./notification.js";
import { toView } from "./view.js";

export type { DriftedField, DriftReport } from "./driftReport.js";

/** What the drift check read of the peer: its status and settings, or Atlas answering 404. */
export type PeerReading =
  | { kind: "peer"; status: PeerStatus; settings?: Record<string, unknown> }
  | { kind: "gone" };

/** The status a gone peer is reported with. */
export const PEER_GONE_STATUS = "NOT_FOUND";

/**
 * The drift between the settled change and what Atlas holds, or undefined when Atlas still holds every setting
 * the change asked for and the peer has not failed. Only the fields the change sent are compared (as when it
 * settled): a null `accepterRegionName` holds any region, Atlas reports null for the container's own region.
 * A peer that is merely working (INITIATING after someone's PATCH) is not drift by its status: its fields
 * say whether it drifted.
 */
export function driftOf(
  change: Pick<ChangeRecord, "id" | "groupId" | "peerId" | "provider" | "desired">,
  reading: PeerReading,
  now: number,
): DriftReport | undefined {
  const base = {
    groupId: change.groupId,
    peerId: change.peerId,
    provider: change.provider,
    lastChangeId: change.id,
    detectedAt: new Date(now).toISOString(),
  };
  if (reading.kind === "gone") {
    return {
      ...base,
      fields: [],
      atlasStatus: PEER_GONE_STATUS,
      signature: signatureOf([], PEER_GONE_STATUS),
    };
  }
  const fields = reading.settings ? driftedFields(change.desired, reading.settings) : [];
  const failed = stateForPeer(reading.status) === "FAILED";
  if (fields.length === 0 && !failed) return undefined;
  const atlasStatus = reading.status.status ?? "UNKNOWN";
  // The status counts in the signature only when it is a failure: a peer passing through INITIATING and
  // PENDING_ACCEPTANCE after one out-of-band PATCH is one drift, announced once.
  const failure = failed ? `${atlasStatus}/${reading.status.error ?? ""}` : undefined;
  return {
    ...base,
    fields,
    atlasStatus,
    ...(reading.status.error ? { atlasError: reading.status.error } : {}),
    signature: signatureOf(fields, failure),
  };
}

/** The settings of `desired` Atlas holds otherwise, as `{field, expected, actual}`. */
export function driftedFields(desired: string, settings: Record<string, unknown>): DriftedField[] {
  return unheldSettings(parseObject(desired), settings, { nullRegionMatches: true }).map(
    ({ field, held, asked }) => ({ field, expected: asked, actual: held ?? null }),
  );
}

/** A short digest of what differs (fields with both values, and a failure status), order-independent. */
function signatureOf(fields: DriftedField[], failure: string | undefined): string {
  const sorted = [...fields].sort((a, b) => a.field.localeCompare(b.field));
  const text = JSON.stringify({ fields: sorted, failure: failure ?? null });
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Whether `report` must be announced, given the signature of the drift announced last (if any). */
export function isNewDrift(report: DriftReport | undefined, announced: string | undefined): boolean {
  return report !== undefined && report.signature !== announced;
}

/**
 * The outbox notification announcing a drift to whoever made the settled change: the event always, the
 * signed callback when the change had a URL. Not the Slack reply: a `response_url` is dead 30 minutes after
 * the command (and the ended change no longer keeps it). A drift takes the version after the change's last
 * plus its sequence number: an ended change never writes those versions, so the outbox key and the
 * `webhook-id` stay unique. Due at once: the notify function is asked to deliver it right after it is stored.
 */
export function driftNotification(
  change: ChangeRecord,
  report: DriftReport,
  sequence: number,
  now: number,
): Notification {
  const version = change.version + sequence;
  const pending: NotificationTarget[] = ["event"];
  if (change.callbackUrl !== undefined) pending.push("callback");
  return {
    id: notificationId({ id: change.id, version }),
    changeId: change.id,
    version,
    view: toView(change),
    drift: report,
    ...(change.callbackUrl === undefined ? {} : { callbackUrl: change.callbackUrl }),
    pending,
    revision: 1,
    attempts: 0,
    dueAt: now,
    outcomes: {},
    createdAt: now,
  };
}
