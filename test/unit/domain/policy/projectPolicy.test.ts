import { describe, expect, it } from "vitest";
import { parseProjectPolicy, rulesFor } from "../../../../src/domain/policy/projectPolicy.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";

describe("the project policy document", () => {
  it("takes the documented shape", () => {
    const document = {
      projects: {
        [GROUP]: {
          aws: { accountIds: ["123456789012"], vpcIds: ["vpc-0123456789abcdef0"], cidrs: ["10.0.0.0/8"] },
          gcp: { projectIds: ["my-project"], networkNames: ["default"] },
          azure: { subscriptionIds: ["6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f"], vnetNames: ["vnet-a"] },
          allowOverlap: false,
        },
        "*": {},
      },
    };
    expect(parseProjectPolicy(document)).toEqual({ ok: true, policy: document });
  });

  it("refuses every unknown key by name, at every level, so a typo cannot silently allow", () => {
    const parsed = parseProjectPolicy({
      project: {},
      projects: { "*": { aws: { cidr: ["10.0.0.0/8"] }, gpc: {}, allowOverlaps: true } },
    });
    expect(parsed).toEqual({
      ok: false,
      problems: [
        "project: unknown key; known: projects",
        "projects.*.gpc: unknown key; known: aws, gcp, azure, allowOverlap",
        "projects.*.allowOverlaps: unknown key; known: aws, gcp, azure, allowOverlap",
        "projects.*.aws.cidr: unknown key; known: accountIds, vpcIds, cidrs",
      ],
    });
  });

  it("names each bad value by its path", () => {
    const parsed = parseProjectPolicy({
      projects: {
        ABC: {},
        [GROUP]: {
          aws: { accountIds: ["12345"], cidrs: ["10.0.0.5/8", "10.0.0.0", 7], vpcIds: "vpc-1" },
          allowOverlap: "yes",
        },
      },
    });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      "projects.ABC: must be 24 lowercase hex characters or *",
      `projects.${GROUP}.allowOverlap: must be true or false`,
      `projects.${GROUP}.aws.accountIds[0]: must be a 12-digit AWS account id`,
      `projects.${GROUP}.aws.vpcIds: must be a list of strings`,
      `projects.${GROUP}.aws.cidrs[0]: has host bits set; write the network (e.g. 10.0.0.0/8)`,
      `projects.${GROUP}.aws.cidrs[1]: must be an IPv4 CIDR block a.b.c.d/n, e.g. 10.0.0.0/8`,
      `projects.${GROUP}.aws.cidrs[2]: must be a string`,
    ]);
  });

  it("refuses a document that is no object or has no projects", () => {
    expect(parseProjectPolicy([])).toEqual({ ok: false, problems: ["(document): must be a JSON object"] });
    expect(parseProjectPolicy({})).toEqual({
      ok: false,
      problems: ["projects: must be an object keyed by Atlas project id or *"],
    });
  });

  it("applies a project's own entry instead of *, whole", () => {
    const policy = {
      projects: { "*": { aws: { cidrs: ["10.0.0.0/8"] } }, [GROUP]: { allowOverlap: true } },
    };
    expect(rulesFor(policy, GROUP)).toEqual({ key: GROUP, rules: { allowOverlap: true } });
    expect(rulesFor(policy, "6a0b1c2d3e4f5a6b7c8d9e0f")).toEqual({
      key: "*",
      rules: { aws: { cidrs: ["10.0.0.0/8"] } },
    });
    expect(rulesFor({ projects: {} }, GROUP)).toBeUndefined();
    expect(rulesFor(undefined, GROUP)).toBeUndefined();
  });
});
