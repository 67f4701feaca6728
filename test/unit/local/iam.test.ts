import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../../local/lambda/functions.js";
import { isAllowed } from "../../../local/lambda/iam.js";

const TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/changes";
const statements: PolicyStatement[] = [
  { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: [TABLE, `${TABLE}/index/*`] },
  {
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: "arn:aws:iam::123456789012:role/scheduler",
    Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
  },
  { Effect: "Deny", Action: "dynamodb:*", Resource: `${TABLE}/index/secret` },
];

describe("the IAM check of the artefact suite", () => {
  it("allows a listed action on a listed resource, wildcards included", () => {
    expect(isAllowed(statements, { action: "dynamodb:GetItem", resource: TABLE })).toBe(true);
    expect(isAllowed(statements, { action: "DynamoDB:Query", resource: `${TABLE}/index/due` })).toBe(true);
  });

  it("refuses an unlisted action, another resource, and an explicit deny", () => {
    expect(isAllowed(statements, { action: "dynamodb:PutItem", resource: TABLE })).toBe(false);
    expect(isAllowed(statements, { action: "dynamodb:GetItem", resource: `${TABLE}-other` })).toBe(false);
    expect(isAllowed(statements, { action: "dynamodb:Query", resource: `${TABLE}/index/secret` })).toBe(
      false,
    );
  });

  it("holds a condition only when the request carries the key with the value", () => {
    const pass = { action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/scheduler" };
    expect(isAllowed(statements, pass)).toBe(false);
    expect(
      isAllowed(statements, { ...pass, context: { "iam:PassedToService": "lambda.amazonaws.com" } }),
    ).toBe(false);
    expect(
      isAllowed(statements, { ...pass, context: { "iam:PassedToService": "scheduler.amazonaws.com" } }),
    ).toBe(true);
  });
});
