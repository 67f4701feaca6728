import { SchedulerClient, type SchedulerClientConfig } from "@aws-sdk/client-scheduler";
import {
  EventBridgeRecheckScheduler,
  type EventBridgeRecheckSchedulerOptions,
} from "../../adapters/aws/EventBridgeRecheckScheduler.js";

/** Loaded with `import()` on the first schedule; the SDK is imported statically here (see dynamodb.ts). */
export function newRecheckScheduler(
  config: SchedulerClientConfig,
  options: Omit<EventBridgeRecheckSchedulerOptions, "client">,
) {
  return new EventBridgeRecheckScheduler({ client: new SchedulerClient(config), ...options });
}
