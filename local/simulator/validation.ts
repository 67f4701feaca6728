import { fail } from "./errors.js";
import type { PeerRecord } from "./peers.js";
import { isProviderName, type ProviderName } from "./progression.js";

/**
 * Checks a PATCH body the way Atlas does (docs/atlas-api.md §1.3–§1.4, §2.2) and returns the settings
 * to merge. Errors are thrown as Atlas errors; the first problem found wins, as Atlas reports one error
 * per request.
 */

/** Settings a PATCH may carry per provider; `containerId` is common to all. */
const SETTINGS: Readonly<Record<ProviderName, readonly string[]>> = {
  AWS: ["containerId", "accepterRegionName", "awsAccountId", "routeTableCidrBlock", "vpcId"],
  AZURE: ["containerId", "azureDirectoryId", "azureSubscriptionId", "resourceGroupName", "vnetName"],
  GCP: ["containerId", "gcpProjectId", "networkName"],
};

/** Fields Atlas computes; sending one with a different value is ATTRIBUTE_READ_ONLY. */
const READ_ONLY = new Set([
  "id",
  "connectionId",
  "statusName",
  "errorStateName",
  "status",
  "errorState",
  "errorMessage",
]);

/**
 * Fields that cannot change after creation (docs/atlas-api.md §1.4), the ones the gateway's planner refuses.
 * Atlas answers 400 INVALID_ATTRIBUTE for the Azure ones (TF issue #2281); containerId is immutable for every
 * provider (TF ForceNew, AKO CEL rule). For GCP's gcpProjectId and networkName Atlas's answer is not
 * documented — it did not apply them, so Terraform made them ForceNew (PR #2306) — and the simulator answers
 * the same INVALID_ATTRIBUTE as for Azure's.
 */
const IMMUTABLE = new Set([
  "containerId",
  "azureDirectoryId",
  "azureSubscriptionId",
  "resourceGroupName",
  "vnetName",
  "gcpProjectId",
  "networkName",
]);

/** Value formats from the Atlas OpenAPI spec; vpcId also accepts legacy 8-hex ids still seen in real output. */
const PATTERNS: Readonly<Record<string, RegExp>> = {
  awsAccountId: /^[0-9]{12}$/,
  vpcId: /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  // AWS-native (us-east-1) and Atlas (US_EAST_1) spellings: which ones Atlas accepts on PATCH is undocumented.
  accepterRegionName: /^(?:[a-z]{2}(?:-[a-z]+)+-\d|[A-Z]{2}(?:_[A-Z]+)+_\d)$/,
  gcpProjectId: /^[a-z][0-9a-z-]{4,28}[0-9a-z]$/,
  networkName: /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  resourceGroupName: /^[-\w._()]+$/,
  vnetName: /^[-\w._()]+$/,
};

const PRIVATE_RANGES: readonly (readonly [number, number])[] = [
  [ipv4("10.0.0.0"), 8],
  [ipv4("172.16.0.0"), 12],
  [ipv4("192.168.0.0"), 16],
];

function ipv4(text: string): number {
  return text.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Parses `a.b.c.d/n`; undefined when it is not IPv4 CIDR notation. */
export function parseCidr(text: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  return { address: ipv4(octets.join(".")), prefix };
}

/** Whether the whole CIDR block lies inside 10/8, 172.16/12 or 192.168/16 (RFC 1918). */
export function isPrivateCidr(text: string): boolean {
  const cidr = parseCidr(text);
  if (cidr === undefined) return false;
  return PRIVATE_RANGES.some(([network, bits]) => {
    const size = 2 ** (32 - bits);
    return cidr.prefix >= bits && Math.floor(cidr.address / size) === Math.floor(network / size);
  });
}

function checkValue(field: string, value: unknown): string | null {
  // accepterRegionName is null when the VPC sits in the container's region; every other setting is a string.
  if (value === null && field === "accepterRegionName") return null;
  if (typeof value !== "string") return fail("INVALID_ATTRIBUTE", field);
  if (field === "routeTableCidrBlock") {
    if (parseCidr(value) === undefined) fail("INVALID_CIDR_BLOCK", value);
    if (!isPrivateCidr(value)) fail("INVALID_ROUTE_TABLE_CIDR", value);
  }
  const pattern = PATTERNS[field];
  if (pattern !== undefined && !pattern.test(value)) fail("INVALID_ATTRIBUTE", field);
  return value;
}

/** Parses the raw body; anything but a JSON object is MALFORMED_JSON. */
export function parsePatchBody(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail("MALFORMED_JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return fail("MALFORMED_JSON");
  return parsed as Record<string, unknown>;
}

/**
 * The provider a PATCH addresses. Atlas defaults a missing providerName to AWS, so a PATCH without it on a GCP
 * or Azure peer finds no AWS peer with that id and answers 404 PEER_NOT_FOUND (TF issue #86).
 */
export function checkProvider(body: Record<string, unknown>, peer: PeerRecord): void {
  const provider = body.providerName ?? "AWS";
  if (!isProviderName(provider)) fail("INVALID_PROVIDER", String(provider));
  if (provider !== peer.provider) fail("PEER_NOT_FOUND", peer.id, peer.groupId);
}

/**
 * The settings to merge from a PATCH body. `current` holds the read-only fields as Atlas reports them now, so a
 * client echoing a GET back unchanged is accepted while an attempt to change one is refused.
 */
export function validateChanges(
  body: Record<string, unknown>,
  peer: PeerRecord,
  current: Readonly<Record<string, string | null>>,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === "providerName") continue;
    if (READ_ONLY.has(field)) {
      if (value !== current[field]) fail("ATTRIBUTE_READ_ONLY", field);
      continue;
    }
    if (!SETTINGS[peer.provider].includes(field)) fail("INVALID_ATTRIBUTE", field);
    if (IMMUTABLE.has(field) && value !== peer.settings[field]) fail("INVALID_ATTRIBUTE", field);
    changes[field] = checkValue(field, value);
  }
  return changes;
}
