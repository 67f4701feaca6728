/**
 * Schemas for the single fields of a peering request, as the Atlas Admin API v2 spec constrains them
 * (`BaseNetworkPeeringConnectionSettings`), tightened where the spec is known to be wrong. Every message
 * states the form the value must take, so a client can fix it without reading the Atlas docs.
 */
import * as z from "zod/mini";
import { REQUIRED_MESSAGE, WRONG_JSON_TYPE } from "../validation.js";

/**
 * A null where Atlas's schema has a string. Atlas documents null for one writable field only (see
 * {@link NULLABLE_FIELDS}); Terraform and the Atlas CLI leave every other unset field out, and the Go SDK
 * sends a null only when told to (`Set…Nil`).
 */
export const NULL_MESSAGE =
  "must not be null; send a value or leave the field out (Atlas clients omit unset fields)";

/**
 * Writable fields a body may set to null. Atlas itself answers `accepterRegionName: null` for a VPC in the
 * container's region (docs/atlas-api.md §1.3), and the Go SDK sends it (`SetAccepterRegionNameNil`), so a
 * client echoing what Atlas returned is never refused for it.
 */
export const NULLABLE_FIELDS: ReadonlySet<string> = new Set(["accepterRegionName"]);

/** A JSON string; `expected` describes its form, e.g. "a 12-digit AWS account id, e.g. 123456789012". */
function text(expected: string): z.ZodMiniString<string> {
  return z.string({
    error: (issue) => {
      if (issue.input === undefined) return REQUIRED_MESSAGE;
      if (issue.input === null) return NULL_MESSAGE;
      return `${WRONG_JSON_TYPE}string: ${expected}`;
    },
  });
}

/** A JSON string matching `pattern`; the one message for a mismatch is "must be <expected>". */
function patterned(pattern: RegExp, expected: string): z.ZodMiniString<string> {
  return text(expected).check(z.regex(pattern, `must be ${expected}`));
}

/** Atlas object ids: the spec's `^([a-f0-9]{24})$`; Atlas answers uppercase hex with INVALID_GROUP_ID etc. */
const objectId = patterned(/^[a-f0-9]{24}$/, "24 lowercase hex characters, e.g. 5e57d85c854180642f7844bf");

/** The Atlas project id in `/groups/{groupId}`. */
export const groupId = objectId;
/** The peering connection id in `/peers/{peerId}`. */
export const peerId = objectId;
/** The Atlas network container the peering belongs to; every provider's body carries it. */
export const containerId = objectId;

// AWS ---------------------------------------------------------------------------------------------------

/**
 * AWS region in AWS's own form (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`), not Atlas's `US_EAST_1`:
 * the peering is accepted on the AWS side, so Atlas expects the name AWS uses (AKO CRD, Terraform).
 */
export const accepterRegionName = patterned(
  /^[a-z]{2}-(?:gov-|iso[a-z]?-)?(?:central|(?:north|south)(?:east|west)?|east|west)-[1-9][0-9]?$/,
  "an AWS region name such as us-east-1, us-gov-west-1 or ap-southeast-2 (not Atlas's US_EAST_1 form)",
);

/** The spec's `^[0-9]{12}$`; the legacy doc's example `abc123abc123` is refused, as Atlas v2 would. */
export const awsAccountId = patterned(/^[0-9]{12}$/, "a 12-digit AWS account id, e.g. 123456789012");

const CIDR_FORM = "an IPv4 CIDR block a.b.c.d/n with octets 0-255 and a prefix 0-32, e.g. 10.15.0.0/16";
const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The RFC 1918 ranges of INVALID_ROUTE_TABLE_CIDR, as 32-bit network numbers. */
const PRIVATE_RANGES = [
  { network: 0x0a000000, prefix: 8 }, // 10.0.0.0/8
  { network: 0xac100000, prefix: 12 }, // 172.16.0.0/12
  { network: 0xc0a80000, prefix: 16 }, // 192.168.0.0/16
] as const;

/** A decimal without leading zeros (`010` is octal to some parsers, so it is ambiguous) up to `max`. */
function decimal(digits: string | undefined, max: number): number | undefined {
  if (digits === undefined || (digits.length > 1 && digits.startsWith("0"))) return undefined;
  const n = Number(digits);
  return n <= max ? n : undefined;
}

/** The netmask of a prefix length as an unsigned 32-bit number; JS shifts by `n % 32`, so /0 is special. */
function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function dotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".");
}

/** Parses `a.b.c.d/n` strictly; a string says what is wrong with it instead. */
function parseCidr(value: string): { address: number; prefix: number } | string {
  const match = CIDR_SHAPE.exec(value);
  if (!match) return `must be ${CIDR_FORM}`;
  const octets = match.slice(1, 5).map((digits) => decimal(digits, 255));
  const prefix = decimal(match[5], 32);
  if (octets.some((octet) => octet === undefined)) {
    return `${value} has an octet above 255 or with a leading zero; must be ${CIDR_FORM}`;
  }
  if (prefix === undefined)
    return `${value} has a prefix above 32 or with a leading zero; must be ${CIDR_FORM}`;
  return { address: octets.reduce<number>((acc, octet) => acc * 256 + (octet ?? 0), 0), prefix };
}

/**
 * What is wrong with a route table CIDR, or undefined. Host bits are refused because Atlas routes the
 * network, and a typo like 10.0.0.5/24 usually means 10.0.0.0/24; saying so saves a round trip.
 */
export function cidrProblem(value: string): string | undefined {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") return parsed;
  const network = (parsed.address & maskOf(parsed.prefix)) >>> 0;
  if (network !== parsed.address) {
    return `${value} has host bits set; did you mean ${dotted(network)}/${parsed.prefix}?`;
  }
  const isPrivate = PRIVATE_RANGES.some(
    (range) => parsed.prefix >= range.prefix && (network & maskOf(range.prefix)) >>> 0 === range.network,
  );
  if (!isPrivate) {
    return `${value} is not a private network; must be within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`;
  }
  return undefined;
}

/**
 * The peer VPC's CIDR. The spec's own pattern matches a bare address, not a CIDR (a spec bug), so the
 * check is done in code: a canonical IPv4 network inside RFC 1918, as INVALID_ROUTE_TABLE_CIDR demands.
 */
export const routeTableCidrBlock = text(CIDR_FORM).check(
  z.superRefine((value: string, ctx) => {
    const problem = cidrProblem(value);
    if (problem !== undefined) ctx.addIssue(problem);
  }),
);

/** The spec's `^vpc-[0-9a-f]{17}$`, plus the 8-hex ids of older VPCs that Atlas still returns. */
export const vpcId = patterned(
  /^vpc-(?:[0-9a-f]{17}|[0-9a-f]{8})$/,
  "vpc- followed by 17 lowercase hex characters (8 for older VPCs), e.g. vpc-0123456789abcdef0",
);

// AZURE -------------------------------------------------------------------------------------------------

/** The spec says `format: uuid`; Azure prints GUIDs in either case, so both are accepted. */
const uuid = patterned(
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "a UUID such as 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
);

/** The Azure AD tenant (directory) that holds the peered VNet. */
export const azureDirectoryId = uuid;
/** The Azure subscription that holds the peered VNet. */
export const azureSubscriptionId = uuid;

/** The spec's `^([-\w._()])+$`, bounded by Azure's own limit of 90 characters for a resource group. */
export const resourceGroupName = patterned(
  /^[-\w._()]{1,90}$/,
  "1 to 90 characters, each a letter, digit, or one of - _ . ( )",
);

/** The fixed spec pattern `^([-\w._()])+$` (older specs allowed one character only), and Azure's 64. */
export const vnetName = patterned(
  /^[-\w._()]{1,64}$/,
  "1 to 64 characters, each a letter, digit, or one of - _ . ( )",
);

// GCP ---------------------------------------------------------------------------------------------------

/** GCP project ids: 6–30 characters, lowercase letters, digits and hyphens, starting with a letter. */
export const gcpProjectId = patterned(
  /^[a-z][0-9a-z-]{4,28}[0-9a-z]$/,
  "a GCP project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, e.g. my-project-123",
);

/** GCP VPC network names (RFC 1035 labels): the spec's pattern, anchored, which it forgot to do. */
export const networkName = patterned(
  /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  "a GCP network name: 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, e.g. default",
);
