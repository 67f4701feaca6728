import type { ActionContext, Ec2Action } from "./context.js";
import { hexId, type Route, type RouteTable, type SecurityGroup } from "./model.js";
import { visible } from "./peeringActions.js";
import { filtersOf, listParam, QueryError } from "./query.js";

/** The signer's own route tables and groups in the region: another account's look as if they did not exist. */
function ownTables(context: ActionContext): RouteTable[] {
  const { cloud, session, region } = context;
  return [...cloud.routeTables.values()].filter((t) => cloud.owns(t.vpcId, session.accountId, region));
}

function ownGroups(context: ActionContext): SecurityGroup[] {
  const { cloud, session, region } = context;
  return [...cloud.groups.values()].filter((g) => cloud.owns(g.vpcId, session.accountId, region));
}

/** Ids and filters as AWS applies them: a named id that is missing fails; a filter just matches nothing. */
function select<T extends { id: string; vpcId: string }>(
  all: T[],
  ids: string[],
  filters: Map<string, string[]>,
  idFilter: string,
  notFound: (id: string) => QueryError,
): T[] {
  for (const id of ids) if (!all.some((item) => item.id === id)) throw notFound(id);
  return all.filter(
    (item) =>
      (ids.length === 0 || ids.includes(item.id)) &&
      (filters.get("vpc-id")?.includes(item.vpcId) ?? true) &&
      (filters.get(idFilter)?.includes(item.id) ?? true),
  );
}

const tableNotFound = (id: string) =>
  new QueryError("InvalidRouteTableID.NotFound", `The routeTable ID '${id}' does not exist`);
const groupNotFound = (id: string) =>
  new QueryError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);

export const describeRouteTables: Ec2Action = (context) => {
  const ids = listParam(context.params, "RouteTableId");
  const tables = select(ownTables(context), ids, filtersOf(context.params), "route-table-id", tableNotFound);
  return {
    routeTableSet: tables.map((table) => ({
      routeTableId: table.id,
      vpcId: table.vpcId,
      ownerId: context.session.accountId,
      routeSet: table.routes.map((route) => ({
        destinationCidrBlock: route.destinationCidrBlock,
        gatewayId: route.gatewayId,
        vpcPeeringConnectionId: route.vpcPeeringConnectionId,
        state: context.cloud.routeState(route),
        origin: route.gatewayId === "local" ? "CreateRouteTable" : "CreateRoute",
      })),
      associationSet: table.main
        ? [{ routeTableAssociationId: `rtbassoc-${table.id.slice(4)}`, routeTableId: table.id, main: true }]
        : "",
      tagSet: "",
    })),
  };
};

/** The route CreateRoute/ReplaceRoute asks for, its table checked and its peering visible. */
function routeRequest(context: ActionContext): { table: RouteTable; route: Route } {
  const { params } = context;
  const tableId = params.get("RouteTableId") ?? "";
  const table = ownTables(context).find((t) => t.id === tableId);
  if (table === undefined) throw tableNotFound(tableId);
  const destination = params.get("DestinationCidrBlock") ?? "";
  const pcx = params.get("VpcPeeringConnectionId");
  if (pcx === undefined)
    throw new QueryError("MissingParameter", "The emulator routes only to VPC peering connections.");
  visible(context, pcx);
  return { table, route: { destinationCidrBlock: destination, vpcPeeringConnectionId: pcx } };
}

export const createRoute: Ec2Action = (context) => {
  const { table, route } = routeRequest(context);
  if (table.routes.some((r) => r.destinationCidrBlock === route.destinationCidrBlock)) {
    throw new QueryError(
      "RouteAlreadyExists",
      `The route identified by ${route.destinationCidrBlock} already exists.`,
    );
  }
  table.routes.push(route);
  return { return: true };
};

export const replaceRoute: Ec2Action = (context) => {
  const { table, route } = routeRequest(context);
  const index = table.routes.findIndex((r) => r.destinationCidrBlock === route.destinationCidrBlock);
  if (index < 0) {
    throw new QueryError(
      "InvalidRoute.NotFound",
      `no route with destination-cidr-block ${route.destinationCidrBlock} in route table ${table.id}`,
    );
  }
  table.routes[index] = route;
  return { return: true };
};

export const describeSecurityGroups: Ec2Action = (context) => {
  const ids = listParam(context.params, "GroupId");
  const groups = select(ownGroups(context), ids, filtersOf(context.params), "group-id", groupNotFound);
  return {
    securityGroupInfo: groups.map((group) => ({
      ownerId: context.session.accountId,
      groupId: group.id,
      groupName: group.name,
      groupDescription: group.name,
      vpcId: group.vpcId,
      ipPermissions: group.ingress.map((rule) => ({
        ipProtocol: rule.ipProtocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        groups: "",
        ipRanges: [{ cidrIp: rule.cidr }],
      })),
      ipPermissionsEgress: "",
    })),
  };
};

export const authorizeSecurityGroupIngress: Ec2Action = (context) => {
  const { params } = context;
  const groupId = params.get("GroupId") ?? "";
  const group = ownGroups(context).find((g) => g.id === groupId);
  if (group === undefined) throw groupNotFound(groupId);
  const added = [];
  for (let p = 1; params.has(`IpPermissions.${p}.IpProtocol`); p++) {
    const ipProtocol = params.get(`IpPermissions.${p}.IpProtocol`) ?? "";
    const fromPort = Number(params.get(`IpPermissions.${p}.FromPort`) ?? -1);
    const toPort = Number(params.get(`IpPermissions.${p}.ToPort`) ?? -1);
    for (const cidr of cidrsOf(params, p)) {
      const same = (r: { ipProtocol: string; fromPort: number; toPort: number; cidr: string }) =>
        r.ipProtocol === ipProtocol && r.fromPort === fromPort && r.toPort === toPort && r.cidr === cidr;
      if (group.ingress.some(same)) {
        throw new QueryError(
          "InvalidPermission.Duplicate",
          `the specified rule "peer: ${cidr}, TCP, from port: ${fromPort}, to port: ${toPort}, ALLOW" already exists`,
        );
      }
      added.push({ ipProtocol, fromPort, toPort, cidr, ruleId: hexId("sgr") });
    }
  }
  group.ingress.push(...added);
  return {
    return: true,
    securityGroupRuleSet: added.map((rule) => ({
      securityGroupRuleId: rule.ruleId,
      groupId: group.id,
      isEgress: false,
      ipProtocol: rule.ipProtocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      cidrIpv4: rule.cidr,
    })),
  };
};

/** `IpPermissions.N.IpRanges.M.CidrIp`, the form the SDK sends. */
function cidrsOf(params: ActionContext["params"], permission: number): string[] {
  const cidrs: string[] = [];
  for (let m = 1; params.has(`IpPermissions.${permission}.IpRanges.${m}.CidrIp`); m++) {
    cidrs.push(params.get(`IpPermissions.${permission}.IpRanges.${m}.CidrIp`) ?? "");
  }
  return cidrs;
}
