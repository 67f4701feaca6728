import type { ChangeDeps } from "../../usecases/ChangeDeps.js";
import { noticePeerSideCall, type PeerSideOutcome } from "../../usecases/noticePeerSideCall.js";
import { parsePeeringCall } from "./cloudTrailEvent.js";

/** What became of one CloudTrail-delivered EC2 peering call event. */
export type PeeringCallOutcome = PeerSideOutcome | { kind: "dropped"; reason: string };

/**
 * Turns a CloudTrail record of an EC2 peering call into an immediate re-check of the change following that
 * connection. An event that does not read as one (another call, a failed call, no `pcx-…` anywhere) is
 * dropped with a warning and returns normally: redelivering it would read the same, so throwing would only
 * make Lambda retry it into the DLQ. The use case's store or Atlas failures are thrown, so Lambda's retries
 * and then the events DLQ keep the event (and the scheduled check comes anyway).
 */
export async function handlePeeringCallEvent(
  event: unknown,
  deps: ChangeDeps,
  deadline: number,
): Promise<PeeringCallOutcome> {
  const parsed = parsePeeringCall(event);
  if (!parsed.ok) {
    deps.logger.warn("dropping an EC2 peering call event", {
      reason: parsed.reason,
      ...(parsed.eventId === undefined ? {} : { eventId: parsed.eventId }),
    });
    return { kind: "dropped", reason: parsed.reason };
  }
  return noticePeerSideCall(parsed.call, deps, deadline);
}
