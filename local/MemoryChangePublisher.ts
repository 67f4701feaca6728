import { CHANGE_EVENT_DETAIL_TYPE, CHANGE_EVENT_SOURCE } from "../src/adapters/EventBridgeChangePublisher.js";
import type { ChangeView } from "../src/domain/change/view.js";
import type { ChangeRejection } from "../src/events/rejection.js";
import { REJECTED_DETAIL_TYPE } from "../src/events/requestedEvent.js";
import type { ChangeEventPublisher } from "../src/ports/ChangeNotifications.js";

/** What every published event has, whatever its kind. */
interface PublishedEventBase {
  source: string;
  /** ISO 8601 time of publication. */
  time: string;
}

/**
 * One published event, shaped like the EventBridge event the AWS publisher sends. Narrow on `detailType`
 * to read the detail: a change's state, or why a request event was rejected.
 */
export type PublishedChangeEvent =
  | (PublishedEventBase & { detailType: typeof CHANGE_EVENT_DETAIL_TYPE; detail: ChangeView })
  | (PublishedEventBase & { detailType: typeof REJECTED_DETAIL_TYPE; detail: ChangeRejection });

/** Options of {@link MemoryChangePublisher}. */
export interface MemoryChangePublisherOptions {
  /** Told about each event as it is published (the local stack prints them). */
  onEvent?: (event: PublishedChangeEvent) => void;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
}

/** Goes through JSON as on EventBridge, so later changes to the published object do not show. */
function copy<T>(detail: T): T {
  return JSON.parse(JSON.stringify(detail)) as T;
}

/** The local stack's event bus: keeps every change and rejection event in memory, in publication order. */
export class MemoryChangePublisher implements ChangeEventPublisher {
  /** Every event published so far, oldest first. */
  readonly events: PublishedChangeEvent[] = [];
  private readonly onEvent: ((event: PublishedChangeEvent) => void) | undefined;
  private readonly now: () => number;

  constructor(options: MemoryChangePublisherOptions = {}) {
    this.onEvent = options.onEvent;
    this.now = options.now ?? Date.now;
  }

  /** Records a `Peering Change State Changed` event. */
  async publish(change: ChangeView): Promise<void> {
    this.record({
      source: CHANGE_EVENT_SOURCE,
      detailType: CHANGE_EVENT_DETAIL_TYPE,
      detail: copy(change),
      time: this.timestamp(),
    });
  }

  /** Records a `Peering Change Rejected` event. */
  async publishRejection(rejection: ChangeRejection): Promise<void> {
    this.record({
      source: CHANGE_EVENT_SOURCE,
      detailType: REJECTED_DETAIL_TYPE,
      detail: copy(rejection),
      time: this.timestamp(),
    });
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  private record(event: PublishedChangeEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }
}
