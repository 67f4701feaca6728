import { notifyEntry } from "../src/wiring/entries.js";

/**
 * Target of a rule on the gateway's bus: delivers one outbox notification (the callback, the channel's reply,
 * the event when re-driven) for the gateway's own state events and re-drive requests.
 */
export const handler = notifyEntry(process.env);
