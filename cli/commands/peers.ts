import type { PeerListQuery } from "../args.js";
import { ExitCode, formatJson, table } from "../format.js";
import type { CommandContext } from "../main.js";

/**
 * `peers list`: a project's peerings as Atlas has them (the drop-in read passes Atlas's page through), as a
 * table with the paging Atlas answered; `--json` prints Atlas's body unchanged.
 */
export async function peersList(groupId: string, query: PeerListQuery, context: CommandContext) {
  const page = await context.client.listPeers(groupId, query);
  if (context.json) {
    context.io.stdout(formatJson(page));
    return ExitCode.ok;
  }
  const results = (page.results as unknown[]).filter(isRecord);
  if (results.length === 0) context.io.stdout(`No peerings in project ${groupId} on this page.\n`);
  else context.io.stdout(table([["ID", "PROVIDER", "STATUS", "NETWORK", "CIDR"], ...results.map(peerRow)]));
  const pageNum = query.pageNum ?? 1;
  const total = typeof page.totalCount === "number" ? ` of ${page.totalCount}` : "";
  const next = hasNextLink(page) ? `; more: add --page ${pageNum + 1}` : "";
  context.io.stderr(`Page ${pageNum}: ${results.length}${total} peering(s)${next}\n`);
  return ExitCode.ok;
}

/** `peers get`: one peering as Atlas has it, one field a line; `--json` prints Atlas's body unchanged. */
export async function peersGet(groupId: string, peerId: string, context: CommandContext) {
  const peer = await context.client.getPeer(groupId, peerId);
  if (context.json) {
    context.io.stdout(formatJson(peer));
    return ExitCode.ok;
  }
  const fields = Object.entries(peer).filter(([key, value]) => key !== "links" && value !== null);
  const width = Math.max(...fields.map(([key]) => key.length));
  const lines = fields.map(
    ([key, value]) => `  ${key.padEnd(width)}  ${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
  context.io.stdout(`Peer ${peerId} in project ${groupId}:\n${lines.join("\n")}\n`);
  return ExitCode.ok;
}

/** ID, provider, status and the customer's network, from whichever fields the provider uses. */
function peerRow(peer: Record<string, unknown>): string[] {
  const pick = (...keys: string[]) => {
    for (const key of keys) if (typeof peer[key] === "string" && peer[key]) return peer[key] as string;
    return "";
  };
  return [
    pick("id"),
    pick("providerName") || "AWS",
    pick("statusName", "status"),
    pick("vpcId", "vnetName", "networkName"),
    pick("routeTableCidrBlock"),
  ];
}

function hasNextLink(page: Record<string, unknown>): boolean {
  return Array.isArray(page.links) && page.links.some((link) => isRecord(link) && link.rel === "next");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
