import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-eventbridge";
import type { ChangeView } from "../../domain/change/view.js";
import type {
  ChangeEventPublisher,
  ChangeRejection,
  NotificationRef,
  PublishedNotification,
} from "../../ports/ChangeNotifications.js";
import {
  CHANGE_EVENT_DETAIL_TYPE,
  CHANGE_EVENT_SOURCE,
  DRIFTED_DETAIL_TYPE,
  EventPublishError,
  EXPIRING_DETAIL_TYPE,
  NOTIFICATION_DUE_DETAIL_TYPE,
  REJECTED_DETAIL_TYPE,
} from "../../ports/ChangeNotifications.js";

/** Options of {@link EventBridgeChangePublisher}. */
export interface EventBridgeChangePublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
}

/** Publishes each change's public view, and each rejected request event, as one event on an EventBridge bus. */
export class EventBridgeChangePublisher implements ChangeEventPublisher {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;

  constructor(options: EventBridgeChangePublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
  }

  /**
   * Sends the event (the view, and which notification it is); rejects with {@link EventPublishError} when
   * EventBridge did not take it.
   */
  async publish(change: ChangeView, notification: PublishedNotification): Promise<void> {
    const { id: notificationId, version, warning, drift } = notification;
    if (drift) {
      // The signature is how the gateway tells drifts apart; consumers de-duplicate on notificationId.
      const { signature: _internal, ...report } = drift;
      const detail = { ...report, callerId: change.callerId, correlationId: change.correlationId };
      await this.put(
        DRIFTED_DETAIL_TYPE,
        { ...detail, notificationId, version },
        `the drift of ${change.id}`,
      );
      return;
    }
    if (warning) {
      const detail = {
        changeId: change.id,
        groupId: change.groupId,
        peerId: change.peerId,
        ...(warning.connectionId === undefined ? {} : { connectionId: warning.connectionId }),
        acceptBy: warning.acceptBy,
        acceptByFrom: warning.from,
        hoursLeft: warning.hoursLeft,
        message: warning.text,
        ...(change.nextAction === undefined ? {} : { nextAction: change.nextAction }),
        correlationId: change.correlationId,
        notificationId,
        version,
      };
      await this.put(EXPIRING_DETAIL_TYPE, detail, `the expiry warning of change ${change.id}`);
      return;
    }
    const detail = { ...change, notificationId, version };
    await this.put(CHANGE_EVENT_DETAIL_TYPE, detail, `the event of change ${change.id}`);
  }

  /** Sends the gateway's own `Peering Notification Due` event, which only its notify function matches. */
  async requestDelivery(notification: NotificationRef): Promise<void> {
    const what = `the re-drive of change ${notification.changeId}'s notification`;
    await this.put(NOTIFICATION_DUE_DETAIL_TYPE, notification, what);
  }

  /**
   * Sends a `Peering Change Rejected` event on the same bus, so the sender's rule can route it back;
   * rejects with {@link EventPublishError} as {@link publish} does.
   */
  async publishRejection(rejection: ChangeRejection): Promise<void> {
    const what = `the rejection of event ${rejection.event.id ?? "(without id)"}`;
    await this.put(REJECTED_DETAIL_TYPE, rejection, what);
  }

  /** Puts one entry; `what` names it in errors, which never carry the detail itself. */
  private async put(detailType: string, detail: unknown, what: string): Promise<void> {
    const where = `${what} on bus ${this.eventBusName}`;
    let output: PutEventsCommandOutput;
    try {
      output = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: CHANGE_EVENT_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(detail),
              EventBusName: this.eventBusName,
              Resources: [],
            },
          ],
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      throw new EventPublishError(`Could not publish ${where}: ${name}.`, { cause: error });
    }
    // PutEvents answers 200 even when it refused an entry: the refusal is only in the per-entry results.
    if ((output.FailedEntryCount ?? 0) > 0) {
      const code = output.Entries?.[0]?.ErrorCode ?? "UnknownError";
      throw new EventPublishError(`EventBridge refused ${where}: ${code}.`);
    }
  }
}
