import { parseObject } from "../json.js";
import { providerModule } from "../peering/providers/index.js";
import type { ChangeRecord } from "./ChangeRecord.js";

/**
 * What a person must do on the cloud side while Atlas waits (PENDING_ACCEPTANCE / WAITING_FOR_USER), in words
 * a platform engineer can act on: the text of the change's provider module.
 */
export function nextAction(change: Pick<ChangeRecord, "provider" | "desired" | "atlas">): string {
  const desired = parseObject(change.desired) as Record<string, string | undefined>;
  const provider = providerModule(change.provider as unknown);
  return provider ? provider.nextAction(change, desired) : UNKNOWN_PROVIDER;
}

/** A provider read back from a store is not re-checked; one no module knows gets the general step. */
const UNKNOWN_PROVIDER = "Complete the peering on the cloud side, then wait for Atlas to report AVAILABLE.";
