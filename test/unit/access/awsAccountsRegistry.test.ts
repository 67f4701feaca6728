import { describe, expect, it } from "vitest";
import { CallerRegistryError, parseCallerRegistry } from "../../../src/access/callers.js";
import { accepterAccountsOf } from "../../../src/wiring/peerSide.js";
import { StaticCallerDirectory } from "../../helpers/StaticCallerDirectory.js";

const ROLE = "arn:aws:iam::111122223333:role/atlas-peering-accepter";
const callers = [{ id: "ci", tokenSha256: ["a".repeat(64)], projects: [{ groupId: "*" }] }];

describe("the callers registry's awsAccounts section", () => {
  it("is accepted and parsed into the accounts the re-check path looks up", async () => {
    const registry = parseCallerRegistry(
      {
        callers,
        awsAccounts: {
          "111122223333": { roleArn: ROLE, externalId: "ext-0001", accept: true, routeTableIds: "all" },
        },
      },
      "secret gw/callers",
    );
    expect(registry.callers.map((c) => c.id)).toEqual(["ci"]);
    const accounts = await accepterAccountsOf(new StaticCallerDirectory(registry)).accepterAccounts();
    expect(accounts.get("111122223333")).toEqual({
      roleArn: ROLE,
      externalId: "ext-0001",
      accept: true,
      routeTableIds: "all",
      dnsResolution: false,
      securityGroupIds: [],
    });
  });

  it("is optional: a registry without it has no accounts", async () => {
    const registry = parseCallerRegistry({ callers }, "secret gw/callers");
    expect(registry.awsAccounts).toBeUndefined();
    expect((await accepterAccountsOf(new StaticCallerDirectory(registry)).accepterAccounts()).size).toBe(0);
  });

  it("when not valid, makes the registry misconfigured, naming each bad field and never the ExternalId", () => {
    const bad = {
      callers,
      awsAccounts: {
        "111122223333": {
          roleArn: "arn:aws:iam::999999999999:role/x",
          externalId: "secret value!",
          accept: true,
        },
      },
    };
    let caught: unknown;
    try {
      parseCallerRegistry(bad, "secret gw/callers");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CallerRegistryError);
    const error = caught as CallerRegistryError;
    expect(error.kind).toBe("misconfigured");
    expect(error.message).toContain("secret gw/callers");
    expect(error.message).toContain("awsAccounts.111122223333.externalId");
    expect(error.message).toContain("awsAccounts.111122223333.routeTableIds");
    expect(error.message).not.toContain("secret value!");
    expect(error.detail).not.toContain("awsAccounts");
  });
});
