import { recheckEntry } from "../src/wiring/entries.js";

/** EventBridge Scheduler target: one re-check of one change (`{changeId, attempt}`). */
export const handler = recheckEntry(process.env);
