import { EventBridgeClient, type EventBridgeClientConfig } from "@aws-sdk/client-eventbridge";
import { EventBridgeChangePublisher } from "../../adapters/aws/EventBridgeChangePublisher.js";

/** Loaded with `import()` on the first published event; the SDK is imported statically here (see dynamodb.ts). */
export function newChangePublisher(config: EventBridgeClientConfig, eventBusName: string) {
  return new EventBridgeChangePublisher({ client: new EventBridgeClient(config), eventBusName });
}
