/** Azure VNet peering. */
import {
  azureDirectoryId,
  azureSubscriptionId,
  containerId,
  resourceGroupName,
  vnetName,
} from "../fields.js";
import type { ProviderModule } from "./provider.js";

export const azure: ProviderModule = {
  name: "AZURE",
  article: "an AZURE",
  fields: { azureDirectoryId, azureSubscriptionId, containerId, resourceGroupName, vnetName },
  providerNameOptional: false,
  /** Azure: PATCH answers 400 INVALID_ATTRIBUTE for each of these (Terraform provider issue #2281). */
  fixed: {
    fields: ["azureDirectoryId", "azureSubscriptionId", "resourceGroupName", "vnetName"],
    reason:
      "cannot be changed in place: Atlas answers 400 INVALID_ATTRIBUTE for them (Terraform provider issue #2281)",
  },
  statusField: "status",
  errorField: "errorState",
  nextAction() {
    return "Complete the peering on the Azure side, then wait for Atlas to report AVAILABLE.";
  },
};
