/** Azure VNet peering. */
import {
  azureDirectoryId,
  azureSubscriptionId,
  containerId,
  resourceGroupName,
  vnetName,
} from "../fields.js";
import { arg, SHELL_SAFE, setting } from "./observed.js";
import type { DesiredSettings, NextActionChange, ProviderModule } from "./provider.js";

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
  // Azure never waits for a person (no WAITING_FOR_USER): Atlas makes both sides, so the step is the grant
  // it needs, which is also what to check when the peering fails.
  nextAction(change, desired) {
    const { vnet, group, subscription, directory } = azureTarget(change, desired);
    return (
      `Let Atlas peer with VNet ${vnet ?? "(your VNet)"} in resource group ${group ?? "(your resource group)"}, ` +
      `subscription ${subscription ?? "(your subscription)"}: Atlas's peering service principal (application ` +
      `${ATLAS_AZURE_PEERING_APP}) must exist in directory ${directory ?? "(your directory)"} and hold a role ` +
      "with virtualNetworkPeerings read/write/delete and virtualNetworks/peer on that VNet; then wait for Atlas " +
      "to report AVAILABLE."
    );
  },
  nextCommands(change, desired) {
    const target = azureTarget(change, desired);
    const subscription = arg(target.subscription, SHELL_SAFE.uuid, "<azureSubscriptionId>");
    const group = arg(target.group, SHELL_SAFE.azureName, "<resourceGroupName>");
    const vnet = arg(target.vnet, SHELL_SAFE.azureName, "<vnetName>");
    const scope = `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${vnet}`;
    const role = `AtlasPeering/${subscription}/${group}/${vnet}`;
    const definition = JSON.stringify({
      Name: role,
      IsCustom: true,
      Description: `Grants MongoDB access to manage peering connections on network ${scope}`,
      Actions: PEERING_ACTIONS,
      AssignableScopes: [scope],
    });
    return [
      `az ad sp create --id ${ATLAS_AZURE_PEERING_APP}`,
      `az role definition create --role-definition '${definition}'`,
      `az role assignment create --role "${role}" --assignee "${ATLAS_AZURE_PEERING_APP}" --scope "${scope}"`,
    ];
  },
};

/** The application id of Atlas's Azure peering service principal, as MongoDB's peering docs give it. */
export const ATLAS_AZURE_PEERING_APP = "e90a1407-55c3-432d-9cb1-3638900a9d22";

/** What MongoDB's `peering-role.json` grants Atlas on the customer's VNet. */
const PEERING_ACTIONS = [
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete",
  "Microsoft.Network/virtualNetworks/peer/action",
];

/** The customer's VNet Atlas peers with, as Atlas holds it. */
function azureTarget(change: NextActionChange, desired: DesiredSettings) {
  return {
    vnet: setting(change, desired, "vnetName"),
    group: setting(change, desired, "resourceGroupName"),
    subscription: setting(change, desired, "azureSubscriptionId"),
    directory: setting(change, desired, "azureDirectoryId"),
  };
}
