/** AWS VPC peering. */
import { accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId } from "../fields.js";
import type { ProviderModule } from "./provider.js";

export const aws: ProviderModule = {
  name: "AWS",
  article: "an AWS",
  fields: { accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId },
  // Atlas assumes AWS when a body leaves providerName out.
  providerNameOptional: true,
  /** Atlas re-creates the VPC peering request when either changes (docs/atlas-api.md §1.1, §1.4). */
  reinitialising: {
    fields: ["vpcId", "awsAccountId"],
    warning:
      "changing vpcId/awsAccountId re-initialises the peering: Atlas creates a new VPC peering request that must be accepted again",
  },
  statusField: "statusName",
  errorField: "errorStateName",
  nextAction(change, desired) {
    const connection = change.atlas.connectionId ?? "(its id appears once Atlas has requested it)";
    return (
      `Accept VPC peering connection ${connection} in AWS account ${desired.awsAccountId ?? "(your account)"}, ` +
      `region ${desired.accepterRegionName ?? "(the container's region)"}, and add a route to the Atlas CIDR.`
    );
  },
};
