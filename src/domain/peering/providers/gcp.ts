/** GCP VPC network peering. */
import { containerId, gcpProjectId, networkName } from "../fields.js";
import { arg, SHELL_SAFE, setting } from "./observed.js";
import type { DesiredSettings, NextActionChange, ProviderModule } from "./provider.js";

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
  nextAction(change, desired) {
    const step = gcpStep(change, desired);
    const cidr = step.atlasCidr ? ` (Atlas's CIDR ${step.atlasCidr} must not overlap your subnets)` : "";
    return (
      `In GCP project ${step.project ?? "(your project)"}, create a VPC network peering from network ` +
      `${step.network ?? "(your network)"} to network ${step.atlasNetwork ?? "(the Atlas container's networkName)"} ` +
      `of Atlas's project ${step.atlasProject ?? "(the Atlas container's gcpProjectId)"}${cidr}, then wait for ` +
      "Atlas to report AVAILABLE."
    );
  },
  nextCommands(change, desired) {
    const step = gcpStep(change, desired);
    // GCP names a peering like a network; one per Atlas peer keeps reruns from colliding.
    const name = SHELL_SAFE.atlasId.test(change.peerId ?? "") ? `atlas-${change.peerId}` : "atlas-peering";
    return [
      `gcloud compute networks peerings create ${name} ` +
        `--network=${arg(step.network, SHELL_SAFE.gcpName, "<your network>")} ` +
        `--peer-project=${arg(step.atlasProject, SHELL_SAFE.gcpName, "<Atlas gcpProjectId>")} ` +
        `--peer-network=${arg(step.atlasNetwork, SHELL_SAFE.gcpName, "<Atlas networkName>")} ` +
        `--project=${arg(step.project, SHELL_SAFE.gcpName, "<your project>")}`,
    ];
  },
};

/** The reciprocal peering the GCP step asks for: from the customer's network to Atlas's (docs/atlas-api.md §1.3). */
function gcpStep(change: NextActionChange, desired: DesiredSettings) {
  return {
    project: setting(change, desired, "gcpProjectId"),
    network: setting(change, desired, "networkName"),
    atlasProject: change.container?.gcpProjectId,
    atlasNetwork: change.container?.networkName,
    atlasCidr: change.container?.atlasCidrBlock,
  };
}
