import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { parseObject } from "../domain/json.js";
import type { AuditOutcome, AuditRecord } from "../ports/AuditLog.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/** The parts of an audit record the writer supplies; id and time are filled in. */
export type AuditFields = Omit<AuditRecord, "id" | "at">;

/** Writes an audit record. The audit port never throws (see LoggedAuditLog): a change is never failed by it. */
export async function audit(
  deps: Pick<ChangeDeps, "audit" | "newId" | "now">,
  fields: AuditFields,
): Promise<void> {
  await deps.audit.record({ id: deps.newId(), at: deps.now(), ...fields });
}

/** An audit record about a change: who, through which channel, what was asked, and what Atlas said. */
export function changeAuditFields(
  change: ChangeRecord,
  outcome: AuditOutcome,
  extra: Partial<AuditFields> = {},
): AuditFields {
  const { httpStatus, status, error, errorCode } = change.atlas;
  const atlas = Object.fromEntries(
    Object.entries({ httpStatus, status, error, errorCode }).filter(([, v]) => v !== undefined),
  );
  return {
    requestId: change.requestId ?? change.id,
    channel: change.channel,
    callerId: change.callerId,
    outcome,
    groupId: change.groupId,
    peerId: change.peerId,
    changeId: change.id,
    asked: parseObject(change.desired),
    atlas,
    state: change.state,
    ...extra,
  };
}

/** Who read what through which route; `peerId` absent for the list. */
export interface ReadTarget {
  requestId: string;
  channel: AuditFields["channel"];
  callerId: string;
  /** The route template, e.g. `GET /api/atlas/v2/groups/{groupId}/peers`. */
  route: string;
  groupId: string;
  peerId?: string;
}

/**
 * An audit record about a read of Atlas: who, the channel, the route (in `detail`), the project and peer, and
 * the status Atlas meant (the envelope's with `envelope=true`), or why no answer came. Never a body: a read
 * leaves a trace of who looked, not of what they saw.
 */
export function readAuditFields(
  target: ReadTarget,
  answered: { httpStatus: number } | { failure: string },
): AuditFields {
  const { requestId, channel, callerId, route, groupId, peerId } = target;
  return {
    requestId,
    channel,
    callerId,
    outcome: "read",
    groupId,
    ...(peerId === undefined ? {} : { peerId }),
    detail: route,
    ...("httpStatus" in answered
      ? { atlas: { httpStatus: answered.httpStatus } }
      : { reason: answered.failure }),
  };
}
