/** AWS VPC peering. */
import { accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId } from "../fields.js";
import { arg, awsAccepterRegion, SHELL_SAFE, setting } from "./observed.js";
import type { DesiredSettings, NextActionChange, ProviderModule } from "./provider.js";

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
    const { connection, account, region, atlasCidr, vpc } = awsStep(change, desired);
    return (
      `Accept VPC peering connection ${connection ?? "(its id appears once Atlas has requested it)"} in AWS ` +
      `account ${account ?? "(your account)"}, region ${region ?? "(the Atlas container's region)"}, then add a ` +
      `route to the Atlas CIDR ${atlasCidr ?? "(the Atlas container's atlasCidrBlock)"} through it in the route ` +
      `tables of VPC ${vpc ?? "(your VPC)"}.`
    );
  },
  nextCommands(change, desired) {
    const step = awsStep(change, desired);
    const pcx = arg(step.connection, SHELL_SAFE.pcx, "<vpc-peering-connection-id>");
    const region = arg(step.region, SHELL_SAFE.awsRegion, "<region>");
    const cidr = arg(step.atlasCidr, SHELL_SAFE.cidr, "<Atlas CIDR>");
    return [
      `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${pcx} --region ${region}`,
      `aws ec2 create-route --route-table-id <your route table> --destination-cidr-block ${cidr} ` +
        `--vpc-peering-connection-id ${pcx} --region ${region}`,
    ];
  },
};

/** What the AWS step names: the pcx Atlas requested, where to accept it, and the route to add. */
function awsStep(change: NextActionChange, desired: DesiredSettings) {
  return {
    connection: change.atlas.connectionId,
    account: setting(change, desired, "awsAccountId"),
    region: awsAccepterRegion(change, desired),
    atlasCidr: change.container?.atlasCidrBlock,
    vpc: setting(change, desired, "vpcId"),
  };
}
