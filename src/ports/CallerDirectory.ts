import type { CallerRegistry } from "../access/callers.js";

/** Where the gateway learns who its callers are. Throws `CallerRegistryError` when it cannot tell. */
export interface CallerDirectory {
  registry(): Promise<CallerRegistry>;
}
