/** GCP VPC network peering. */
import { containerId, gcpProjectId, networkName } from "../fields.js";
import type { ProviderModule } from "./provider.js";

export const gcp: ProviderModule = {
  name: "GCP",
  article: "a GCP",
  fields: { containerId, gcpProjectId, networkName },
  providerNameOptional: false,
  /** GCP: documented as modifiable, but Terraform made both ForceNew (PR #2306) after Atlas did not apply them. */
  fixed: {
    fields: ["gcpProjectId", "networkName"],
    reason: "cannot be changed in place (the Terraform provider made them ForceNew)",
  },
  statusField: "status",
  errorField: "errorMessage",
  nextAction(_change, desired) {
    return (
      `In GCP project ${desired.gcpProjectId ?? "(your project)"}, create a VPC network peering from network ` +
      `${desired.networkName ?? "(your network)"} to the Atlas project's network (the Atlas GCP container's ` +
      "gcpProjectId and networkName), then wait for Atlas to report AVAILABLE."
    );
  },
};
