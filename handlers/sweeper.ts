import { sweeperEntry } from "../src/wiring/entries.js";

/** EventBridge rule target (every 5 minutes): re-checks changes whose next check is overdue. */
export const handler = sweeperEntry(process.env);
