import type { PolicyStatement } from "./functions.js";

/** One AWS API call as IAM would judge it: the action, the resource ARN and the request's condition keys. */
export interface IamRequest {
  action: string;
  resource: string;
  context?: Record<string, string>;
}

/**
 * Whether identity-based statements allow the request: some Allow matches and no Deny does. Actions and
 * resources match with IAM's `*` and `?` wildcards (actions case-insensitively); a condition holds only when
 * the request carries the key with a matching value (StringEquals, StringLike, ArnLike, ArnEquals), which is
 * how IAM treats a missing key for these operators.
 */
export function isAllowed(statements: PolicyStatement[], request: IamRequest): boolean {
  const matching = statements.filter((statement) => matches(statement, request));
  return matching.some((s) => s.Effect === "Allow") && !matching.some((s) => s.Effect === "Deny");
}

function matches(statement: PolicyStatement, request: IamRequest): boolean {
  const actions = [statement.Action].flat();
  const resources = [statement.Resource].flat();
  return (
    actions.some((pattern) => glob(pattern, true).test(request.action)) &&
    resources.some((pattern) => glob(pattern, false).test(request.resource)) &&
    conditionsHold(statement.Condition ?? {}, request.context ?? {})
  );
}

function conditionsHold(
  condition: Record<string, Record<string, string | string[]>>,
  context: Record<string, string>,
): boolean {
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = [expected].flat();
      const exact = operator === "StringEquals" || operator === "ArnEquals";
      return values.some((value) => (exact ? value === actual : glob(value, false).test(actual)));
    }),
  );
}

function glob(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "");
}
