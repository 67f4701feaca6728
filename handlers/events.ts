import { eventsEntry } from "../src/wiring/entries.js";

/**
 * EventBridge rule target: `Peering Change Requested` events from the configured sources, and CloudTrail's
 * records of EC2 VPC peering calls (accept, reject, delete), which re-check the change following the `pcx-…`.
 */
export const handler = eventsEntry(process.env);
