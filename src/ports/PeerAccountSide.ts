import type { PeerSideRequest } from "../domain/accepter/request.js";
import type { PeerSideReport } from "../domain/accepter/steps.js";

export type { PeerSideRequest } from "../domain/accepter/request.js";
export type { PeerSideReport, PeerSideStep } from "../domain/accepter/steps.js";

/**
 * The peer's AWS account, reached through the IAM role its owner deployed (deploy/accepter-role.yml): the
 * gateway accepts Atlas's peering request there on the owner's behalf and wires the accepter VPC to Atlas.
 */
export interface PeerAccountSide {
  /**
   * Assumes `request.account.roleArn` (with its ExternalId, the session named after the change), accepts
   * `request.pcxId` in `request.region` unless it already is, makes each configured route table route Atlas's
   * CIDR to the peering, enables the accepter DNS option and opens 27015-27017 from Atlas's CIDR when asked,
   * then describes again to verify. Idempotent: a second run keeps what is right and changes nothing.
   * Never throws for an AWS or network failure: each is a step with its error code and remediation.
   */
  acceptAndConnect(request: PeerSideRequest): Promise<PeerSideReport>;
}
