import { describe, expect, it } from "vitest";
import { AccepterAccountsError, parseAccepterAccounts } from "../../../../src/domain/accepter/accounts.js";

const ROLE = "arn:aws:iam::111122223333:role/atlas-peering-accepter";
const good = { roleArn: ROLE, externalId: "stack-7f3a9c", accept: true, routeTableIds: "all" };

function errorOf(value: unknown): string {
  try {
    parseAccepterAccounts(value, "secret gw/callers");
  } catch (error) {
    expect(error).toBeInstanceOf(AccepterAccountsError);
    return (error as Error).message;
  }
  throw new Error("expected the section to be refused");
}

describe("parseAccepterAccounts", () => {
  it("reads an account with defaults for the optional steps", () => {
    const accounts = parseAccepterAccounts({ "111122223333": good }, "file x");
    expect(accounts.get("111122223333")).toEqual({ ...good, dnsResolution: false, securityGroupIds: [] });
  });

  it("reads named route tables, the DNS option and security groups", () => {
    const entry = {
      ...good,
      routeTableIds: ["rtb-0a1b2c3d4e5f60718"],
      dnsResolution: true,
      securityGroupIds: ["sg-0123456789abcdef0"],
    };
    expect(parseAccepterAccounts({ "111122223333": entry }, "file x").get("111122223333")).toMatchObject(
      entry,
    );
  });

  it("has no account when the section is absent", () => {
    expect(parseAccepterAccounts(undefined, "file x").size).toBe(0);
  });

  it("names every bad field by its path", () => {
    const message = errorOf({
      "111122223333": {
        ...good,
        roleArn: "role/x",
        externalId: "a b",
        accept: false,
        routeTableIds: [],
        extra: 1,
      },
    });
    for (const field of ["roleArn", "externalId", "accept", "routeTableIds", "extra: unknown key"]) {
      expect(message).toContain(`awsAccounts.111122223333.${field}`);
    }
    expect(message).toContain("secret gw/callers");
  });

  it("refuses an account id that is not 12 digits, and bad route table and group ids", () => {
    expect(errorOf({ "1234": good })).toMatch(/awsAccounts\.1234.*12-digit AWS account id/);
    expect(errorOf({ "111122223333": { ...good, routeTableIds: ["subnet-1"] } })).toContain("routeTableIds");
    expect(errorOf({ "111122223333": { ...good, securityGroupIds: ["default"] } })).toContain(
      "awsAccounts.111122223333.securityGroupIds.0: must be a security group id",
    );
  });

  it("refuses a role of another account (AssumeRole would land outside the accepter VPC's account)", () => {
    expect(errorOf({ "444455556666": good })).toContain(
      "awsAccounts.444455556666.roleArn: must be a role in 444455556666",
    );
  });

  it("keeps its message out of what callers are shown", () => {
    const error = new AccepterAccountsError("awsAccounts in secret gw/callers is not valid: …");
    expect(error.detail).not.toContain("gw/callers");
  });
});
