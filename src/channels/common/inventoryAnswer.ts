import type { InventoryItem } from "../../domain/change/inventory.js";
import type { Provider } from "../../domain/peering/settings.js";
import type { PeeringInventory, ProviderReadFailure } from "../../usecases/listPeerings.js";
import { describeProblem } from "./problem.js";

/** A provider whose peerings are missing from the answer, and why, as every channel tells it. */
export interface ProviderError {
  provider: Provider;
  /** Atlas's status when it refused the list; else the status the gateway answers that failure with. */
  status: number;
  /** Atlas's `errorCode`, or the gateway's problem slug (`atlas-unreachable`, `atlas-credentials-refused`…). */
  code?: string;
  detail: string;
}

/** The body of `GET /v1/peerings` (the CLI prints it with `--json`). */
export interface InventoryAnswer {
  groupId: string;
  items: InventoryItem[];
  /** Present when some provider's list could not be read: its peerings are not in `items`. */
  errors?: ProviderError[];
  /** Present (true) when a provider has more peerings than one answer holds (2,000 per provider). */
  truncated?: true;
}

/** The inventory as it is answered: items, then what could not be read, in the gateway's own words. */
export function inventoryAnswer(inventory: PeeringInventory): InventoryAnswer {
  const errors = inventory.failures.map(providerError);
  return {
    groupId: inventory.groupId,
    items: inventory.items,
    ...(errors.length === 0 ? {} : { errors }),
    ...(inventory.truncated ? { truncated: true as const } : {}),
  };
}

/**
 * Atlas's refusal as Atlas said it; the gateway's own failure with the status and words of the problem it
 * would answer alone (so a `502 atlas-credentials-refused` reads the same here as on any other route).
 */
function providerError(failure: ProviderReadFailure): ProviderError {
  if ("atlas" in failure) {
    const { status, errorCode, detail } = failure.atlas;
    return {
      provider: failure.provider,
      status,
      ...(errorCode === undefined ? {} : { code: errorCode }),
      detail: detail ?? `Atlas answered ${status} to the ${failure.provider} peer list.`,
    };
  }
  const problem = describeProblem(failure.error);
  return { provider: failure.provider, status: problem.status, code: problem.slug, detail: problem.detail };
}
