import { CHANGE_EVENT_DETAIL_TYPE, CHANGE_EVENT_SOURCE } from "../src/adapters/EventBridgeChangePublisher.js";
import type { ChangeView } from "../src/domain/change/view.js";
import type { ChangeEventPublisher } from "../src/ports/ChangeNotifications.js";

/** One published change event, shaped like the EventBridge event the AWS publisher sends. */
export interface PublishedChangeEvent {
  source: string;
  detailType: string;
  detail: ChangeView;
  /** ISO 8601 time of publication. */
  time: string;
}

/** Options of {@link MemoryChangePublisher}. */
export interface MemoryChangePublisherOptions {
  /** Told about each event as it is published (the local stack prints them). */
  onEvent?: (event: PublishedChangeEvent) => void;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
}

/** The local stack's event bus: keeps every change event in memory, in publication order. */
export class MemoryChangePublisher implements ChangeEventPublisher {
  /** Every event published so far, oldest first. */
  readonly events: PublishedChangeEvent[] = [];
  private readonly onEvent: ((event: PublishedChangeEvent) => void) | undefined;
  private readonly now: () => number;

  constructor(options: MemoryChangePublisherOptions = {}) {
    this.onEvent = options.onEvent;
    this.now = options.now ?? Date.now;
  }

  /** Records the event; the detail goes through JSON as on EventBridge, so later changes to `change` do not show. */
  async publish(change: ChangeView): Promise<void> {
    const event: PublishedChangeEvent = {
      source: CHANGE_EVENT_SOURCE,
      detailType: CHANGE_EVENT_DETAIL_TYPE,
      detail: JSON.parse(JSON.stringify(change)) as ChangeView,
      time: new Date(this.now()).toISOString(),
    };
    this.events.push(event);
    this.onEvent?.(event);
  }
}
