import { text, type Values } from "./argValues.js";
import { type Env, groupOf } from "./connection.js";
import { UsageError } from "./usage.js";

/** Where the POST body comes from: built from flags, or read from a file (merged with `extra` later). */
export type SubmitInput =
  | { kind: "body"; body: Record<string, unknown> }
  | { kind: "file"; path: string; extra: Record<string, string> };

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

const PROVIDERS = Object.keys(PEERING_FLAGS);
const PEERING_OPTION_NAMES = [
  "container",
  ...Object.values(PEERING_FLAGS).flatMap((flags) => Object.keys(flags)),
];
/** Flags that become POST body members next to `peering`. */
const BODY_FLAGS = [
  ["peer", "peerId"],
  ["reason", "reason"],
  ["callback-url", "callbackUrl"],
] as const;

/** `parseArgs` options shared by `submit` and `plan` (what to change). */
export const CHANGE_OPTIONS = Object.fromEntries(
  [...PEERING_OPTION_NAMES, "group", "peer", "reason", "provider", "file"].map((name) => [
    name,
    { type: "string" as const },
  ]),
);
/** `submit`'s own options besides {@link CHANGE_OPTIONS} and the wait options. */
export const SUBMIT_ONLY_OPTIONS = {
  "callback-url": { type: "string" as const },
  "idempotency-key": { type: "string" as const },
};

/**
 * The POST body from the flags, or where to read it from with `--file`. Only the fields given are sent (the
 * gateway merges them into the peer's current settings); `providerName` only when `--provider` was given.
 * Peering flags of two providers, or of another one than `--provider`, are refused, so a typo cannot send a
 * mixed body. Field values are not checked here: the gateway validates them and names every bad field at once.
 */
export function submitInput(values: Values, env: Env, command: string): SubmitInput {
  const extra: Record<string, string> = {};
  for (const [flag, field] of BODY_FLAGS) {
    const value = text(values[flag]);
    if (value !== undefined) extra[field] = value;
  }
  const peeringFlags = PEERING_OPTION_NAMES.filter((flag) => values[flag] !== undefined);
  const file = text(values.file);
  // A whole-body file names its own project: the environment's default project applies only with --peer.
  const group = file !== undefined && extra.peerId === undefined ? text(values.group) : groupOf(values, env);
  const ids = group === undefined ? extra : { groupId: group, ...extra };
  if (file !== undefined) {
    if (peeringFlags.length > 0 || values.provider !== undefined) {
      throw new UsageError("--file cannot be combined with --provider or peering options", command);
    }
    if ((ids.groupId === undefined) !== (ids.peerId === undefined)) {
      throw new UsageError("with --file, give both --group and --peer, or neither", command);
    }
    return { kind: "file", path: file, extra: ids };
  }
  if (ids.groupId === undefined || ids.peerId === undefined) {
    throw new UsageError("missing --group and --peer (or --file)", command);
  }
  return { kind: "body", body: { ...ids, peering: peeringBody(values, peeringFlags, command) } };
}

function peeringBody(values: Values, flags: string[], command: string): Record<string, string> {
  const given = text(values.provider)?.toUpperCase();
  if (given !== undefined && !PEERING_FLAGS[given]) {
    throw new UsageError("--provider must be AWS, AZURE or GCP", command);
  }
  if (flags.length === 0) throw new UsageError("missing peering options (e.g. --cidr) or --file", command);
  const provider = given ?? inferProvider(flags, command);
  const fields = PEERING_FLAGS[provider] ?? {};
  const body: Record<string, string> = given === undefined ? {} : { providerName: given };
  for (const flag of flags) {
    const field = flag === "container" ? "containerId" : fields[flag];
    if (!field)
      throw new UsageError(`--${flag} does not apply to ${provider} peerings (see --provider)`, command);
    body[field] = String(values[flag]);
  }
  return body;
}

/** The one provider whose flags were given (AWS, as in Atlas, when only `--container` was). */
function inferProvider(flags: string[], command: string): string {
  const specific = flags.filter((flag) => flag !== "container");
  const owners = PROVIDERS.filter((name) => specific.some((flag) => PEERING_FLAGS[name]?.[flag]));
  if (owners.length > 1) {
    throw new UsageError(
      `peering options of ${owners.join(" and ")} given together (see --provider)`,
      command,
    );
  }
  return owners[0] ?? "AWS";
}
