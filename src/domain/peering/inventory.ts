/**
 * A project's peerings as Atlas lists them, one provider at a time (Atlas lists only AWS peers unless asked per
 * provider), read from its `{results, totalCount}` pages; the ids a person may hold to find one; and the id
 * Terraform imports it by. Pure: the pages are read elsewhere (src/usecases/listPeerings.ts).
 */
import { observedPeerSettings } from "../change/observed.js";
import type { Provider } from "./settings.js";
import { type PeerStatus, readPeerStatus } from "./status.js";

/** One peering as Atlas listed it. */
export interface AtlasPeering {
  provider: Provider;
  peerId: string;
  /** Its status fields, whichever provider's names Atlas used. */
  atlas: PeerStatus;
  /** Its settings (writable fields and `containerId`) as Atlas holds them; `null` is Atlas's own. */
  settings: Readonly<Record<string, string | null>>;
}

/** What one page of Atlas's list holds: its peerings, how many results it had, and Atlas's total if sent. */
export interface PeeringPage {
  peerings: AtlasPeering[];
  /** Every entry of `results`, usable or not: what decides whether another page may follow. */
  resultCount: number;
  totalCount?: number;
}

/**
 * Reads one page of `GET /groups/{groupId}/peers?providerName=…`; undefined when the body is no such page.
 * Each peering is taken to be of the provider that was asked for: that is what Atlas filtered on. Entries
 * without a string `id` are skipped (nothing could address them).
 */
export function peeringPage(body: unknown, provider: Provider): PeeringPage | undefined {
  if (!isRecord(body) || !Array.isArray(body.results)) return undefined;
  const peerings = body.results.filter(isRecord).flatMap((entry): AtlasPeering[] => {
    if (typeof entry.id !== "string" || entry.id === "") return [];
    const { providerName: _named, ...settings } = observedPeerSettings(entry) ?? {};
    return [{ provider, peerId: entry.id, atlas: readPeerStatus(entry), settings }];
  });
  const totalCount = typeof body.totalCount === "number" ? body.totalCount : undefined;
  return { peerings, resultCount: body.results.length, ...(totalCount === undefined ? {} : { totalCount }) };
}

/**
 * The id `terraform import mongodbatlas_network_peering.<name> <id>` takes: `PROJECTID-PEERID-PROVIDERNAME`
 * (the provider's import format; without the provider it assumes AWS and cannot find an Azure or GCP peer).
 *
 * @example terraformImportId("5f1e…a5b4", "5f1e…a5c2", "AZURE") // "5f1e…a5b4-5f1e…a5c2-AZURE"
 */
export function terraformImportId(groupId: string, peerId: string, provider: Provider): string {
  return `${groupId}-${peerId}-${provider}`;
}

/** The fields of a peering a person may know it by, in the order a match is reported. */
const FINDABLE_SETTINGS = [
  "vpcId",
  "awsAccountId",
  "routeTableCidrBlock",
  "vnetName",
  "resourceGroupName",
  "azureSubscriptionId",
  "networkName",
  "gcpProjectId",
  "containerId",
] as const;

/**
 * The names of the values of `peering` that contain `q`, ignoring case (a substring: `pcx-0a1b` finds
 * `pcx-0a1b2c3d4e5f60718`, and a whole id finds itself): its Atlas id, the AWS connection (`pcx-…`), its
 * settings (VPC, account, CIDR, VNet, resource group, subscription, GCP network and project, container), and
 * `extra` ids the caller holds besides (the Terraform import id, the last change's id). Empty: no match.
 *
 * @example findableMatches(peering, "PCX-0A1B", {}) // ["connectionId"]
 */
export function findableMatches(
  peering: AtlasPeering,
  q: string,
  extra: Readonly<Record<string, string | undefined>>,
): string[] {
  const needle = q.toLowerCase();
  const values: Array<[string, string | null | undefined]> = [
    ["peerId", peering.peerId],
    ["connectionId", peering.atlas.connectionId],
    ...FINDABLE_SETTINGS.map((field): [string, string | null | undefined] => [
      field,
      peering.settings[field],
    ]),
    ...Object.entries(extra),
  ];
  return values.flatMap(([name, value]) =>
    typeof value === "string" && value.toLowerCase().includes(needle) ? [name] : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
