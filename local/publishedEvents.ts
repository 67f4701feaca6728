import type { DriftReport } from "../src/domain/change/driftReport.js";
import type { ChangeView } from "../src/domain/change/view.js";
import type { ChangeRejection } from "../src/ports/ChangeNotifications.js";
import {
  CHANGE_EVENT_DETAIL_TYPE,
  CHANGE_EVENT_SOURCE,
  DRIFTED_DETAIL_TYPE,
  REJECTED_DETAIL_TYPE,
} from "../src/ports/ChangeNotifications.js";
import type { DeliveredEvent } from "./aws/eventBridge.js";

/** What every published event has, whatever its kind. */
interface PublishedEventBase {
  source: string;
  /** ISO 8601 time of publication, as EventBridge stamped it. */
  time: string;
}

/**
 * One event the gateway published on its bus, read back from the EventBridge emulator. Narrow on
 * `detailType` to read the detail: a change's state, or why a request event was rejected.
 */
export type PublishedChangeEvent =
  | (PublishedEventBase & { detailType: typeof CHANGE_EVENT_DETAIL_TYPE; detail: ChangeView })
  | (PublishedEventBase & { detailType: typeof REJECTED_DETAIL_TYPE; detail: ChangeRejection })
  | (PublishedEventBase & { detailType: typeof DRIFTED_DETAIL_TYPE; detail: DriftedEventDetail });

/** A `Peering Drifted` event's detail: the drift (without its internal signature) and who to tell. */
export type DriftedEventDetail = Omit<DriftReport, "signature"> & {
  callerId: string;
  correlationId: string;
  notificationId: string;
  version: number;
};

/**
 * The gateway's own event among what was put on a bus: a `Peering Change State Changed` or `Peering Change
 * Rejected` event from the gateway's source; anything else (a request event, another sender's) is undefined.
 */
export function toPublishedEvent(
  event: Pick<DeliveredEvent, "source" | "detail-type" | "time" | "detail">,
): PublishedChangeEvent | undefined {
  if (event.source !== CHANGE_EVENT_SOURCE) return undefined;
  const base = { source: event.source, time: event.time };
  const detailType = event["detail-type"];
  if (detailType === CHANGE_EVENT_DETAIL_TYPE)
    return { ...base, detailType, detail: event.detail as ChangeView };
  if (detailType === REJECTED_DETAIL_TYPE)
    return { ...base, detailType, detail: event.detail as ChangeRejection };
  if (detailType === DRIFTED_DETAIL_TYPE)
    return { ...base, detailType, detail: event.detail as DriftedEventDetail };
  return undefined;
}

/** The gateway's events put on bus `busName`, oldest first. */
export function publishedOn(events: readonly DeliveredEvent[], busName: string): PublishedChangeEvent[] {
  return events.flatMap((event) => {
    const published = event.eventBusName === busName ? toPublishedEvent(event) : undefined;
    return published ? [published] : [];
  });
}
