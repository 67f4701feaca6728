/**
 * The `awsAccounts` section of the callers registry: per AWS account id, the IAM role the gateway may assume
 * there (with its ExternalId) and what to do on that side of a peering once Atlas asks for acceptance.
 */
import * as z from "zod/mini";
import { type ErrorKind, GatewayError } from "../errors.js";

/** Which route tables of the accepter VPC get the route to Atlas's CIDR: named ones, or every one. */
export type RouteTableSelection = readonly string[] | "all";

/** What the gateway does in one accepter account. */
export interface AccepterAccount {
  /** `arn:aws:iam::<this account>:role/<name>`: the role of deploy/accepter-role.yml. */
  roleArn: string;
  /** The ExternalId of the role's trust policy (one per stack, never a secret, see the IAM guide). */
  externalId: string;
  /** Accept the pending peering request (the only reason to list an account, so always `true`). */
  accept: true;
  routeTableIds: RouteTableSelection;
  /** Let the accepter VPC resolve Atlas's DNS names to private addresses (accepter option only). */
  dnsResolution: boolean;
  /** Groups that get inbound tcp 27015-27017 from Atlas's CIDR; none when empty. */
  securityGroupIds: readonly string[];
}

/** Accepter accounts by 12-digit AWS account id. */
export type AccepterAccounts = ReadonlyMap<string, AccepterAccount>;

/** The `awsAccounts` section is not valid. Names the bad fields, never anything else of the registry. */
export class AccepterAccountsError extends GatewayError {
  readonly kind: ErrorKind = "misconfigured";
  readonly code: string = "aws-accounts";
  readonly title: string = "The gateway's accepter accounts are not valid";

  override get detail(): string {
    return "The gateway's accepter account configuration cannot be read.";
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** IAM's rule for sts:ExternalId: 2-1224 of alphanumerics and `+=,.@:/-`, no white space. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

const routeTableId = z.string().check(z.regex(/^rtb-[0-9a-f]{8,17}$/, "must be a route table id rtb-…"));
const groupId = z.string().check(z.regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id sg-…"));
const account = z.strictObject({
  roleArn: z.string().check(z.regex(ROLE_ARN, "must be an IAM role ARN arn:aws:iam::<account>:role/<name>")),
  externalId: z.string().check(z.regex(EXTERNAL_ID, "must be 2-1224 of A-Z a-z 0-9 _ + = , . @ : / -")),
  accept: z.literal(true, { error: "must be true (list only accounts whose peerings the gateway accepts)" }),
  routeTableIds: z.union([z.literal("all"), z.array(routeTableId).check(z.minLength(1))], {
    error: 'must be "all" or a non-empty list of route table ids',
  }),
  dnsResolution: z.optional(z.boolean()),
  securityGroupIds: z.optional(z.array(groupId)),
});
const section = z.record(z.string().check(z.regex(ACCOUNT_ID, "must be a 12-digit AWS account id")), account);

/**
 * Validates the `awsAccounts` section (absent: no account). Throws {@link AccepterAccountsError} naming every
 * bad field by its path (`awsAccounts.111122223333.roleArn: …`), and an account whose role lives in another
 * account (AssumeRole would land elsewhere than the VPC).
 *
 * @example
 * parseAccepterAccounts({ "111122223333": { roleArn: "arn:aws:iam::111122223333:role/atlas-accepter",
 *   externalId: "stack-7f3a", accept: true, routeTableIds: "all" } }, "secret gw/callers")
 */
export function parseAccepterAccounts(value: unknown, source: string): AccepterAccounts {
  if (value === undefined) return new Map();
  const result = section.safeParse(value);
  if (!result.success) {
    const where = result.error.issues.map((issue) => describe(issue));
    throw new AccepterAccountsError(`awsAccounts in ${source} is not valid: ${where.join("; ")}`);
  }
  const accounts = new Map<string, AccepterAccount>();
  const wrongRole: string[] = [];
  for (const [id, entry] of Object.entries(result.data)) {
    if (ROLE_ARN.exec(entry.roleArn)?.[2] !== id)
      wrongRole.push(`awsAccounts.${id}.roleArn: must be a role in ${id}`);
    accounts.set(id, {
      roleArn: entry.roleArn,
      externalId: entry.externalId,
      accept: true,
      routeTableIds: entry.routeTableIds,
      dnsResolution: entry.dnsResolution ?? false,
      securityGroupIds: entry.securityGroupIds ?? [],
    });
  }
  if (wrongRole.length > 0)
    throw new AccepterAccountsError(`awsAccounts in ${source} is not valid: ${wrongRole.join("; ")}`);
  return accounts;
}

function describe(issue: z.core.$ZodIssue): string {
  const path = ["awsAccounts", ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys")
    return issue.keys.map((key) => `${path}.${key}: unknown key`).join("; ");
  if (issue.code === "invalid_key") return `${path}: must be a 12-digit AWS account id`;
  return `${path}: ${issue.message}`;
}
