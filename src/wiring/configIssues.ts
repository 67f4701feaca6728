import type * as z from "zod/mini";

type Issue = z.core.$ZodIssue;

/** One environment variable the functions cannot start with, and what is wrong with it, in plain words. */
export interface ConfigIssue {
  /** The variable, e.g. `ATLAS_BASE_URL`; a nested entry is dotted (`ATLAS_SECRET_IDS_BY_PROJECT.<key>`). */
  variable: string;
  message: string;
}

/**
 * Words for zod's issues. zod/mini ships no messages ("Invalid input" for everything, or "Invalid input:
 * expected string, received undefined" once a locale is loaded), which tells an operator neither that a
 * variable is simply missing nor what form it needs. Messages the schema wrote itself ("must be an ARN") are
 * kept. Values are never quoted: the message ends up in logs and in `npm run package`'s output.
 */
export function describeConfigIssues(
  issues: readonly Issue[],
  env: Record<string, string | undefined>,
): ConfigIssue[] {
  return issues.map((issue) => {
    const variable = issue.path.map(String).join(".");
    const missing = issue.path.length === 1 && env[variable] === undefined;
    return { variable, message: missing ? "is required" : describeIssue(issue) };
  });
}

/** zod's own messages (any locale's English defaults); ours all start with "must" or "is". */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

function describeIssue(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "must be a whole number" : `must be a ${issue.expected}`;
    case "too_small":
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case "too_big":
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}`;
    case "invalid_format":
      return issue.format === "url"
        ? "must be an http:// or https:// URL"
        : `must match ${issue.pattern ?? issue.format}`;
    case "invalid_key":
      return `is not an allowed key (${issue.issues.map(describeIssue).join(", ")})`;
    default:
      return issue.message;
  }
}

function tooSmall(origin: string, minimum: number, inclusive: boolean): string {
  if (origin === "string") {
    return minimum <= 1 ? "must not be empty" : `must be at least ${minimum} characters long`;
  }
  return `must be ${inclusive ? "at least" : "greater than"} ${minimum}`;
}
