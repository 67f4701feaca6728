import type { InventoryItem } from "../../src/domain/change/inventory.js";
import type { PeerListQuery } from "../args.js";
import { ExitCode, formatJson, shortTime, table } from "../format.js";
import type { CommandContext } from "../main.js";

/**
 * `peers list`: every peering of the project across AWS, AZURE and GCP (`GET /v1/peerings`) as a table (id,
 * provider, Atlas's status, network, last change, Terraform import id), then each next step; a provider the
 * gateway could not read is named on stderr. `--json` prints the gateway's answer unchanged.
 */
export async function peersList(query: PeerListQuery, context: CommandContext) {
  const inventory = await context.client.listPeerings(query);
  if (context.json) {
    context.io.stdout(formatJson(inventory));
    return ExitCode.ok;
  }
  const { items, groupId } = inventory;
  const found = query.q === undefined ? "" : ` with an id containing "${query.q}"`;
  if (items.length === 0) context.io.stdout(`No peerings in project ${groupId}${found}.\n`);
  else {
    const header = ["ID", "PROVIDER", "STATUS", "NETWORK", "LAST CHANGE", "IMPORT ID"];
    context.io.stdout(table([header, ...items.map(peeringRow)]));
    const steps = items.filter((item) => item.nextAction !== undefined);
    for (const item of steps) context.io.stdout(`\nNext for ${item.peerId}: ${item.nextAction}\n`);
  }
  for (const error of inventory.errors ?? []) {
    const code = error.code === undefined ? "" : ` ${error.code}`;
    context.io.stderr(
      `${error.provider} peerings could not be read (${error.status}${code}): ${error.detail}\n`,
    );
  }
  if (inventory.truncated) context.io.stderr("More peerings exist than one answer holds.\n");
  context.io.stderr(`${items.length} peering(s)${found}\n`);
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

/** Id, provider, Atlas's status, the customer's network (and pcx), the last change, the import id. */
function peeringRow(item: InventoryItem): string[] {
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const value = item.settings[key];
      if (typeof value === "string" && value) return value;
    }
    return "";
  };
  const status = item.atlas.status ?? "";
  const network = [pick("vpcId", "vnetName", "networkName"), item.atlas.connectionId ?? ""].filter(Boolean);
  const last = item.lastChange;
  return [
    item.peerId,
    item.provider,
    item.atlas.error ? `${status} (${item.atlas.error})` : status,
    network.join(" "),
    last === undefined ? "-" : `${last.state} ${shortTime(last.updatedAt)} ${last.callerId}`,
    item.importId,
  ];
}
