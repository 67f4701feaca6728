/**
 * The project policy's rules applied to a desired peering body: which fields are outside what the project's
 * entry allows, each named with the rule (`projects.<key>.aws.cidrs`) and its allowed values. Data, one row
 * per rule: a new rule is a row here and a list in `projectPolicy.ts`. Pure.
 */
import type { Provider } from "../peering/providers/provider.js";
import { joinPath } from "../validation.js";
import { contains, parseCidr } from "./cidr.js";
import type { AppliedRules, ProjectRules } from "./projectPolicy.js";

/** One field the policy does not allow. */
export interface PolicyViolation {
  /** Where the field is in the request, e.g. `peering.routeTableCidrBlock`. */
  path: string;
  value: string;
  /** The rule, e.g. `projects.5f1e…b4.aws.cidrs`. */
  rule: string;
  allowed: string[];
  message: string;
}

interface Rule {
  provider: Provider;
  section: "aws" | "gcp" | "azure";
  list: string;
  field: string;
  /** "outside the project's allowed CIDRs", "not one of the project's allowed AWS accounts". */
  refusal: string;
  allows: (allowed: readonly string[], value: string) => boolean;
}

const equal = (allowed: readonly string[], value: string) => allowed.includes(value);

/** Inside one of the allowed blocks (a value that is no CIDR is not inside any). */
function within(allowed: readonly string[], value: string): boolean {
  const block = parseCidr(value);
  if (!block) return false;
  return allowed.some((entry) => {
    const outer = parseCidr(entry);
    return outer !== undefined && contains(outer, block);
  });
}

const RULES: readonly Rule[] = [
  {
    provider: "AWS",
    section: "aws",
    list: "accountIds",
    field: "awsAccountId",
    refusal: "is not one of the project's allowed AWS accounts",
    allows: equal,
  },
  {
    provider: "AWS",
    section: "aws",
    list: "vpcIds",
    field: "vpcId",
    refusal: "is not one of the project's allowed VPCs",
    allows: equal,
  },
  {
    provider: "AWS",
    section: "aws",
    list: "cidrs",
    field: "routeTableCidrBlock",
    refusal: "is outside the project's allowed CIDRs",
    allows: within,
  },
  {
    provider: "GCP",
    section: "gcp",
    list: "projectIds",
    field: "gcpProjectId",
    refusal: "is not one of the project's allowed GCP projects",
    allows: equal,
  },
  {
    provider: "GCP",
    section: "gcp",
    list: "networkNames",
    field: "networkName",
    refusal: "is not one of the project's allowed GCP networks",
    allows: equal,
  },
  {
    provider: "AZURE",
    section: "azure",
    list: "subscriptionIds",
    field: "azureSubscriptionId",
    refusal: "is not one of the project's allowed Azure subscriptions",
    allows: equal,
  },
  {
    provider: "AZURE",
    section: "azure",
    list: "vnetNames",
    field: "vnetName",
    refusal: "is not one of the project's allowed VNets",
    allows: equal,
  },
];

/**
 * Every field of `desired` (a `provider` body) the rules do not allow; empty when no rules apply. A field
 * the body leaves out is not checked (a v1.0 partial PATCH keeps what the peer has), nor a rule whose list
 * is absent. `pathPrefix` places the fields in the request (`peering` on `POST /v1/peering-changes`).
 *
 * @example policyViolations({ key: "*", rules: { aws: { cidrs: ["10.0.0.0/8"] } } }, "AWS",
 *   { routeTableCidrBlock: "192.168.10.0/24" })
 * // [{ path: "routeTableCidrBlock", rule: "projects.*.aws.cidrs", allowed: ["10.0.0.0/8"], message:
 * //    "routeTableCidrBlock: 192.168.10.0/24 is outside the project's allowed CIDRs (policy projects.*.aws.cidrs: 10.0.0.0/8)", … }]
 */
export function policyViolations(
  applied: AppliedRules | undefined,
  provider: Provider,
  desired: Readonly<Record<string, unknown>>,
  pathPrefix?: string,
): PolicyViolation[] {
  if (!applied) return [];
  const violations: PolicyViolation[] = [];
  for (const rule of RULES) {
    if (rule.provider !== provider) continue;
    const allowed = listOf(applied.rules, rule);
    const value = desired[rule.field];
    if (allowed === undefined || typeof value !== "string" || rule.allows(allowed, value)) continue;
    const path = joinPath(pathPrefix, rule.field);
    const name = `projects.${applied.key}.${rule.section}.${rule.list}`;
    const shown = allowed.length > 0 ? allowed.join(", ") : "(none)";
    violations.push({
      path,
      value,
      rule: name,
      allowed: [...allowed],
      message: `${path}: ${value} ${rule.refusal} (policy ${name}: ${shown})`,
    });
  }
  return violations;
}

function listOf(rules: ProjectRules, rule: Rule): readonly string[] | undefined {
  const section = rules[rule.section] as Record<string, readonly string[] | undefined> | undefined;
  return section?.[rule.list];
}
