import type { ActionContext, Ec2Action } from "./context.js";
import type { Peering } from "./model.js";
import { filtersOf, listParam, QueryError, type Xml } from "./query.js";

const MESSAGES: Readonly<Record<string, (p: Peering) => string>> = {
  "pending-acceptance": (p) => `Pending Acceptance by ${p.accepter.ownerId}`,
  provisioning: () => "Provisioning",
  active: () => "Active",
  expired: () => "Expired",
  rejected: () => "Rejected",
  failed: () => "Failed",
  deleted: () => "Deleted",
};

function side(info: Peering["requester"], cidrShown: boolean, dns?: boolean): { [element: string]: Xml } {
  return {
    ownerId: info.ownerId,
    vpcId: info.vpcId,
    region: info.region,
    cidrBlock: cidrShown ? info.cidr : undefined,
    peeringOptions:
      dns === undefined
        ? undefined
        : {
            allowEgressFromLocalClassicLinkToRemoteVpc: false,
            allowEgressFromLocalVpcToRemoteClassicLink: false,
            allowDnsResolutionFromRemoteVpc: dns,
          },
  };
}

/** The VpcPeeringConnection members (CIDRs only once active, the expiry only while pending, as AWS answers). */
export function peeringXml(context: ActionContext, peering: Peering): { [element: string]: Xml } {
  const status = context.cloud.statusOf(peering);
  const active = status === "active" || status === "provisioning";
  return {
    vpcPeeringConnectionId: peering.id,
    requesterVpcInfo: side(peering.requester, active),
    accepterVpcInfo: side(peering.accepter, active, active ? peering.accepterDns : undefined),
    status: { code: status, message: (MESSAGES[status] ?? (() => status))(peering) },
    expirationTime: status === "pending-acceptance" ? peering.expirationTime.toISOString() : undefined,
    tagSet: "",
  };
}

function notFound(id: string): QueryError {
  return new QueryError(
    "InvalidVpcPeeringConnectionID.NotFound",
    `The vpcPeeringConnection ID '${id}' does not exist`,
  );
}

/** The peering `id` as the signer sees it in this region, or InvalidVpcPeeringConnectionID.NotFound. */
export function visible(context: ActionContext, id: string): Peering {
  const peering = context.cloud.visiblePeering(id, context.session.accountId, context.region);
  if (peering === undefined) throw notFound(id);
  return peering;
}

export const describeVpcPeeringConnections: Ec2Action = (context) => {
  const ids = listParam(context.params, "VpcPeeringConnectionId");
  const filters = filtersOf(context.params);
  const wanted = [...ids, ...(filters.get("vpc-peering-connection-id") ?? [])];
  const found =
    wanted.length > 0 ? wanted.map((id) => visible(context, id)) : [...context.cloud.peerings.values()];
  const statuses = filters.get("status-code");
  const shown = found
    .filter(
      (p) => context.cloud.visiblePeering(p.id, context.session.accountId, context.region) !== undefined,
    )
    .filter((p) => statuses === undefined || statuses.includes(context.cloud.statusOf(p)));
  return { vpcPeeringConnectionSet: shown.map((p) => peeringXml(context, p)) };
};

export const acceptVpcPeeringConnection: Ec2Action = (context) => {
  const id = context.params.get("VpcPeeringConnectionId") ?? "";
  const peering = visible(context, id);
  if (peering.accepter.ownerId !== context.session.accountId) {
    throw new QueryError(
      "OperationNotPermitted",
      `User ${context.session.accountId} cannot accept peering ${id}`,
    );
  }
  const status = context.cloud.statusOf(peering);
  if (status !== "pending-acceptance") {
    throw new QueryError(
      "InvalidStateTransition",
      `Invalid state transition for ${id}, attempted to transition from ${status} to active`,
    );
  }
  peering.status = "provisioning";
  peering.acceptedAt = context.cloud.now();
  return {
    vpcPeeringConnection: {
      ...peeringXml(context, peering),
      status: { code: "provisioning", message: "Provisioning" },
    },
  };
};

export const modifyVpcPeeringConnectionOptions: Ec2Action = (context) => {
  const id = context.params.get("VpcPeeringConnectionId") ?? "";
  const peering = visible(context, id);
  const wanted = context.params.get("AccepterPeeringConnectionOptions.AllowDnsResolutionFromRemoteVpc");
  if (context.params.has("RequesterPeeringConnectionOptions.AllowDnsResolutionFromRemoteVpc")) {
    throw new QueryError(
      "OperationNotPermitted",
      "The requester's options can be modified only by the requester VPC's owner.",
    );
  }
  if (context.cloud.statusOf(peering) !== "active") {
    throw new QueryError("OperationNotPermitted", `Peering ${id} must be active to modify its options.`);
  }
  if (!context.cloud.vpcOf(peering.accepter.vpcId)?.dnsHostnames) {
    throw new QueryError(
      "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
      `DNS hostnames are disabled on ${peering.accepter.vpcId}`,
    );
  }
  if (wanted !== undefined) peering.accepterDns = wanted === "true";
  return { accepterPeeringConnectionOptions: { allowDnsResolutionFromRemoteVpc: peering.accepterDns } };
};
