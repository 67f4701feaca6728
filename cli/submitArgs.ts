import { UsageError } from "./usage.js";

/** Where the POST body comes from: built from flags, or read from a file (merged with `extra` later). */
export type SubmitInput =
  | { kind: "body"; body: Record<string, unknown> }
  | { kind: "file"; path: string; extra: Record<string, string> };

type Values = Record<string, string | boolean | undefined>;

/** Peering flags per provider, mapped to the Atlas field each one fills (`--container` fills `containerId`). */
export const PEERING_FLAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  AWS: { vpc: "vpcId", account: "awsAccountId", region: "accepterRegionName", cidr: "routeTableCidrBlock" },
  AZURE: {
    directory: "azureDirectoryId",
    subscription: "azureSubscriptionId",
    "resource-group": "resourceGroupName",
    vnet: "vnetName",
  },
  GCP: { "gcp-project": "gcpProjectId", network: "networkName" },
};

const PEERING_OPTION_NAMES = [
  "container",
  ...Object.values(PEERING_FLAGS).flatMap((flags) => Object.keys(flags)),
];
/** Flags that become POST body members next to `peering`. */
const BODY_FLAGS = [
  ["group", "groupId"],
  ["peer", "peerId"],
  ["reason", "reason"],
  ["callback-url", "callbackUrl"],
] as const;

/** `parseArgs` options of `submit` (the wait options are shared with `status` and added by the parser). */
export const SUBMIT_OPTIONS = Object.fromEntries(
  [...PEERING_OPTION_NAMES, ...BODY_FLAGS.map(([flag]) => flag), "provider", "idempotency-key", "file"].map(
    (name) => [name, { type: "string" as const }],
  ),
);

/**
 * The POST body from `submit`'s flags, or where to read it from with `--file`. Peering flags of another
 * provider than `--provider` (AWS by default, as in Atlas) are refused, so a typo cannot send a mixed body.
 * Field values are not checked here: the gateway validates them and names every bad field at once.
 */
export function submitInput(values: Values, usage: string): SubmitInput {
  const extra: Record<string, string> = {};
  for (const [flag, field] of BODY_FLAGS) {
    const value = values[flag];
    if (typeof value === "string" && value !== "") extra[field] = value;
  }
  const peeringFlags = PEERING_OPTION_NAMES.filter((flag) => values[flag] !== undefined);
  const file = values.file;
  if (typeof file === "string" && file !== "") {
    if (peeringFlags.length > 0 || values.provider !== undefined) {
      throw new UsageError("--file cannot be combined with --provider or peering options", usage);
    }
    if ((extra.groupId === undefined) !== (extra.peerId === undefined)) {
      throw new UsageError("with --file, give both --group and --peer, or neither", usage);
    }
    return { kind: "file", path: file, extra };
  }
  if (extra.groupId === undefined || extra.peerId === undefined) {
    throw new UsageError("missing --group and --peer (or --file)", usage);
  }
  return { kind: "body", body: { ...extra, peering: peeringBody(values, peeringFlags, usage) } };
}

function peeringBody(values: Values, flags: string[], usage: string): Record<string, string> {
  const provider = String(values.provider ?? "AWS").toUpperCase();
  const fields = PEERING_FLAGS[provider];
  if (!fields) throw new UsageError("--provider must be AWS, AZURE or GCP", usage);
  if (flags.length === 0) throw new UsageError("missing peering options (e.g. --container) or --file", usage);
  const body: Record<string, string> = { providerName: provider };
  for (const flag of flags) {
    const field = flag === "container" ? "containerId" : fields[flag];
    if (!field)
      throw new UsageError(`--${flag} does not apply to ${provider} peerings (see --provider)`, usage);
    body[field] = String(values[flag]);
  }
  return body;
}
