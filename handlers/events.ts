import { eventsEntry } from "../src/wiring/entries.js";

/** EventBridge rule target: `Peering Change Requested` events from the configured sources. */
export const handler = eventsEntry(process.env);
