import { parseObject } from "../json.js";
import type { ChangeRecord } from "./ChangeRecord.js";

/**
 * What a person must do on the cloud side while Atlas waits (PENDING_ACCEPTANCE / WAITING_FOR_USER), in words
 * a platform engineer can act on.
 */
export function nextAction(change: Pick<ChangeRecord, "provider" | "desired" | "atlas">): string {
  const desired = parseObject(change.desired) as Record<string, string | undefined>;
  if (change.provider === "GCP") {
    return (
      `In GCP project ${desired.gcpProjectId ?? "(your project)"}, create a VPC network peering from network ` +
      `${desired.networkName ?? "(your network)"} to the Atlas project's network (the Atlas GCP container's ` +
      "gcpProjectId and networkName), then wait for Atlas to report AVAILABLE."
    );
  }
  if (change.provider === "AWS") {
    const connection = change.atlas.connectionId ?? "(its id appears once Atlas has requested it)";
    return (
      `Accept VPC peering connection ${connection} in AWS account ${desired.awsAccountId ?? "(your account)"}, ` +
      `region ${desired.accepterRegionName ?? "(the container's region)"}, and add a route to the Atlas CIDR.`
    );
  }
  return "Complete the peering on the Azure side, then wait for Atlas to report AVAILABLE.";
}
