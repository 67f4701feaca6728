/**
 * The project policy: what a platform team allows each Atlas project's peerings to be changed to, checked
 * before anything is sent (`rules.ts`). One document, `{"projects": {"<groupId>" | "*": {…}}}`; a project's own
 * entry replaces `*` whole. Parsing is strict: an unknown key is refused by name, so a typo (`cidr` for
 * `cidrs`) cannot silently allow everything. An absent list allows anything; an empty one allows nothing.
 * Pure: the document comes from a secret or a file (see ports/ProjectPolicySource.ts).
 */
import { parseCidr } from "./cidr.js";

/** One project's rules, by provider section; every list optional. */
export interface ProjectRules {
  aws?: { accountIds?: string[]; vpcIds?: string[]; cidrs?: string[] };
  gcp?: { projectIds?: string[]; networkNames?: string[] };
  azure?: { subscriptionIds?: string[]; vnetNames?: string[] };
  /** True: a CIDR overlapping another peer's or the Atlas container's is not refused (Atlas still judges). */
  allowOverlap?: boolean;
}

export interface ProjectPolicy {
  projects: Record<string, ProjectRules>;
}

/** The rules that apply to a project, and the key they were found under (for messages naming the rule). */
export interface AppliedRules {
  key: string;
  rules: ProjectRules;
}

/** The project's own entry, else `*`, else none (nothing is restricted). */
export function rulesFor(policy: ProjectPolicy | undefined, groupId: string): AppliedRules | undefined {
  const own = policy?.projects[groupId];
  if (own) return { key: groupId, rules: own };
  const fallback = policy?.projects["*"];
  return fallback ? { key: "*", rules: fallback } : undefined;
}

/** A list's entries must each pass `check` (a message when not); names the list's keys a section takes. */
const SECTIONS: Record<string, Record<string, (value: string) => string | undefined>> = {
  aws: {
    accountIds: (v) => (/^[0-9]{12}$/.test(v) ? undefined : "must be a 12-digit AWS account id"),
    vpcIds: (v) => (/^vpc-[0-9a-f]{8,17}$/.test(v) ? undefined : "must be a VPC id (vpc-…)"),
    cidrs: cidrEntryProblem,
  },
  gcp: { projectIds: nonEmpty, networkNames: nonEmpty },
  azure: { subscriptionIds: nonEmpty, vnetNames: nonEmpty },
};

function nonEmpty(value: string): string | undefined {
  return value.length > 0 ? undefined : "must not be empty";
}

function cidrEntryProblem(value: string): string | undefined {
  const cidr = parseCidr(value);
  if (!cidr) return "must be an IPv4 CIDR block a.b.c.d/n, e.g. 10.0.0.0/8";
  return cidr.exact ? undefined : "has host bits set; write the network (e.g. 10.0.0.0/8)";
}

const PROJECT_KEY = /^(?:\*|[a-f0-9]{24})$/;

/** Either the policy, or every problem, each naming where (`projects.<key>.aws.cidr: unknown key`). */
export type PolicyParse = { ok: true; policy: ProjectPolicy } | { ok: false; problems: string[] };

/**
 * Validates a policy document.
 *
 * @example parseProjectPolicy({ projects: { "*": { aws: { cidrs: ["10.0.0.0/8"] } } } }) // { ok: true, … }
 * @example parseProjectPolicy({ projects: { "*": { aws: { cidr: [] } } } })
 * // { ok: false, problems: ["projects.*.aws.cidr: unknown key; known: accountIds, vpcIds, cidrs"] }
 */
export function parseProjectPolicy(value: unknown): PolicyParse {
  const problems: string[] = [];
  if (!isObject(value)) return { ok: false, problems: ["(document): must be a JSON object"] };
  unknownKeys(value, ["projects"], "", problems);
  const projects = value.projects;
  if (!isObject(projects)) {
    problems.push("projects: must be an object keyed by Atlas project id or *");
    return { ok: false, problems };
  }
  for (const [key, entry] of Object.entries(projects)) {
    if (!PROJECT_KEY.test(key)) problems.push(`projects.${key}: must be 24 lowercase hex characters or *`);
    checkEntry(entry, `projects.${key}`, problems);
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, policy: value as unknown as ProjectPolicy };
}

function checkEntry(entry: unknown, path: string, problems: string[]): void {
  if (!isObject(entry)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  unknownKeys(entry, [...Object.keys(SECTIONS), "allowOverlap"], `${path}.`, problems);
  if (entry.allowOverlap !== undefined && typeof entry.allowOverlap !== "boolean") {
    problems.push(`${path}.allowOverlap: must be true or false`);
  }
  for (const [section, lists] of Object.entries(SECTIONS)) {
    const rules = entry[section];
    if (rules === undefined) continue;
    if (!isObject(rules)) {
      problems.push(`${path}.${section}: must be an object`);
      continue;
    }
    unknownKeys(rules, Object.keys(lists), `${path}.${section}.`, problems);
    for (const [list, check] of Object.entries(lists))
      checkList(rules[list], `${path}.${section}.${list}`, check, problems);
  }
}

function checkList(
  list: unknown,
  path: string,
  check: (value: string) => string | undefined,
  problems: string[],
): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    problems.push(`${path}: must be a list of strings`);
    return;
  }
  list.forEach((item, index) => {
    const problem = typeof item === "string" ? check(item) : "must be a string";
    if (problem) problems.push(`${path}[${index}]: ${problem}`);
  });
}

function unknownKeys(
  value: Record<string, unknown>,
  known: string[],
  prefix: string,
  problems: string[],
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.push(`${prefix}${key}: unknown key; known: ${known.join(", ")}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
