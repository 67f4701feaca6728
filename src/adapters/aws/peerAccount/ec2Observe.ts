import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  type EC2Client,
  type Filter,
  type RouteTable,
  type SecurityGroup,
  type VpcPeeringConnection,
} from "@aws-sdk/client-ec2";
import {
  type ObservedPeering,
  type ObservedRouteTable,
  type ObservedSecurityGroup,
  routeTableQuery,
} from "../../../domain/accepter/plan.js";
import type { PeerSideRequest } from "../../../domain/accepter/request.js";

/**
 * The peering as the accepter region sees it; undefined when it has none of that id (AWS answers
 * InvalidVpcPeeringConnectionID.NotFound for an id it does not know, and an empty list for one gone from view).
 */
export async function describePeering(ec2: EC2Client, pcxId: string): Promise<ObservedPeering | undefined> {
  try {
    const answer = await ec2.send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcxId] }),
    );
    const found = answer.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === pcxId);
    return found === undefined ? undefined : toPeering(pcxId, found);
  } catch (error) {
    if (error instanceof Error && error.name === "InvalidVpcPeeringConnectionID.NotFound") return undefined;
    throw error;
  }
}

function toPeering(id: string, p: VpcPeeringConnection): ObservedPeering {
  const dns = p.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc;
  return {
    id,
    status: p.Status?.Code ?? "unknown",
    ...(p.ExpirationTime === undefined ? {} : { expirationTime: p.ExpirationTime }),
    ...(p.RequesterVpcInfo?.OwnerId === undefined ? {} : { requesterOwnerId: p.RequesterVpcInfo.OwnerId }),
    ...(p.AccepterVpcInfo?.OwnerId === undefined ? {} : { accepterOwnerId: p.AccepterVpcInfo.OwnerId }),
    ...(p.AccepterVpcInfo?.VpcId === undefined ? {} : { accepterVpcId: p.AccepterVpcInfo.VpcId }),
    ...(dns === undefined ? {} : { accepterDnsResolution: dns }),
  };
}

/**
 * The route tables the account's configuration names (those that exist, in the accepter VPC when it is
 * known), or every route table of the accepter VPC. Filters rather than ids, so a missing table is absent
 * from the answer (the plan reports it) instead of failing the whole call.
 */
export async function describeRouteTables(
  ec2: EC2Client,
  request: PeerSideRequest,
  peering: ObservedPeering | undefined,
): Promise<ObservedRouteTable[]> {
  const query = routeTableQuery(request, peering);
  if (query === undefined) return [];
  const vpcId = "vpcId" in query ? query.vpcId : (peering?.accepterVpcId ?? request.vpcId);
  const filters: Filter[] = [
    ...(vpcId === undefined ? [] : [{ Name: "vpc-id", Values: [vpcId] }]),
    ...("routeTableIds" in query ? [{ Name: "route-table-id", Values: [...query.routeTableIds] }] : []),
  ];
  const tables: RouteTable[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeRouteTablesCommand({ Filters: filters, NextToken: token }));
    tables.push(...(page.RouteTables ?? []));
    token = page.NextToken;
  } while (token);
  return tables.flatMap((table) =>
    table.RouteTableId === undefined ? [] : [toRouteTable(table.RouteTableId, table)],
  );
}

function toRouteTable(id: string, table: RouteTable): ObservedRouteTable {
  const routes = (table.Routes ?? []).map((route) => {
    const target =
      route.GatewayId ??
      route.TransitGatewayId ??
      route.NatGatewayId ??
      route.NetworkInterfaceId ??
      route.InstanceId;
    return {
      ...(route.DestinationCidrBlock === undefined
        ? {}
        : { destinationCidrBlock: route.DestinationCidrBlock }),
      ...(route.VpcPeeringConnectionId === undefined
        ? {}
        : { vpcPeeringConnectionId: route.VpcPeeringConnectionId }),
      ...(target === undefined ? {} : { target }),
      ...(route.State === undefined ? {} : { state: route.State }),
    };
  });
  return { id, routes };
}

/** The configured security groups that exist, with their inbound rules. */
export async function describeSecurityGroups(
  ec2: EC2Client,
  groupIds: readonly string[],
): Promise<ObservedSecurityGroup[]> {
  if (groupIds.length === 0) return [];
  const groups: SecurityGroup[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: "group-id", Values: [...groupIds] }],
        NextToken: token,
      }),
    );
    groups.push(...(page.SecurityGroups ?? []));
    token = page.NextToken;
  } while (token);
  return groups.flatMap((group) =>
    group.GroupId === undefined
      ? []
      : [
          {
            id: group.GroupId,
            ingress: (group.IpPermissions ?? []).map((rule) => ({
              ipProtocol: rule.IpProtocol ?? "",
              ...(rule.FromPort === undefined ? {} : { fromPort: rule.FromPort }),
              ...(rule.ToPort === undefined ? {} : { toPort: rule.ToPort }),
              cidrs: (rule.IpRanges ?? []).flatMap((range) =>
                range.CidrIp === undefined ? [] : [range.CidrIp],
              ),
            })),
          },
        ],
  );
}
