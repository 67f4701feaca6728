/**
 * The result type every validator in the domain returns, and the one place that turns zod issues into it.
 *
 * Validators never throw on bad input: a caller that gets `ok: false` has every problem at once, so a client
 * can fix its request in one round trip instead of discovering violations one by one.
 */
import type { core } from "zod/mini";
import { type ErrorKind, GatewayError } from "./errors.js";

/**
 * One problem with one value. `path` is dotted (`"vpcId"`, `"peering.vpcId"`, `"query.pretty"`,
 * `"path.groupId"`) and `""` for the whole body; `message` says what form the value must take.
 */
export interface FieldViolation {
  path: string;
  message: string;
}

/** Either the parsed value or every violation found, sorted by path. */
export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldViolation[] };

/** A zod error map: what the domain's schemas pass as `error` to phrase their own messages. */
export type ErrorMap = core.$ZodErrorMap;

/** The message of every absent required value (Atlas's MISSING_ATTRIBUTE). */
export const REQUIRED_MESSAGE = "is required";

/** The start of every message saying a value has the wrong JSON type (Atlas's INVALID_JSON_ATTRIBUTE). */
export const WRONG_JSON_TYPE = "must be a JSON ";

/** Wraps a value that passed validation. */
export function valid<T>(value: T): Validation<T> {
  return { ok: true, value };
}

/** Sorts by path, then message, with plain code-unit order so the result never depends on the locale. */
function byPath(a: FieldViolation, b: FieldViolation): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.message !== b.message) return a.message < b.message ? -1 : 1;
  return 0;
}

/** Wraps violations, sorted and without duplicates, so equal inputs always give equal results. */
export function invalid(errors: readonly FieldViolation[]): { ok: false; errors: FieldViolation[] } {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ok: false, errors: unique.sort(byPath) };
}

/** Joins path segments with dots, skipping empty ones, so a prefix of `""` or `undefined` adds nothing. */
export function joinPath(...segments: ReadonlyArray<PropertyKey | undefined>): string {
  return segments
    .filter((s) => s !== undefined && s !== "")
    .map(String)
    .join(".");
}

/**
 * Messages describe the value at their path ("must be a JSON object"); at the root that value is the body,
 * so the subject is spelled out there ("the body must be a JSON object").
 */
function violation(path: string, message: string): FieldViolation {
  return { path, message: path === "" ? `the body ${message}` : message };
}

/**
 * Maps zod issues to violations under `prefix`. zod reports all unknown keys of an object in one issue; it
 * is split into one violation per key so each unknown field is refused by name, at its own path.
 */
export function violationsFromIssues(issues: readonly core.$ZodIssue[], prefix?: string): FieldViolation[] {
  return issues.flatMap((issue) => {
    const path = joinPath(prefix, ...issue.path);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => violation(joinPath(path, key), issue.message));
    }
    return [violation(path, issue.message)];
  });
}

/** Turns the result of a zod `safeParse` into a {@link Validation}, paths placed under `prefix`. */
export function fromSafeParse<T>(
  result: { success: true; data: T } | { success: false; error: { issues: core.$ZodIssue[] } },
  prefix?: string,
): Validation<T> {
  return result.success ? valid(result.data) : invalid(violationsFromIssues(result.error.issues, prefix));
}

/**
 * The error map for a JSON object schema: says what is wrong with the object itself (missing, not an
 * object, or carrying keys it should not). `unknown` opens the message for a key it does not declare
 * (e.g. "unknown field for an AWS peering"), which then lists the keys it does.
 */
export function objectErrors(unknown: string, allowed: readonly string[]): ErrorMap {
  return (issue) => {
    if (issue.code === "unrecognized_keys") return `${unknown}; allowed: ${allowed.join(", ")}`;
    if (issue.input === undefined) return REQUIRED_MESSAGE;
    return `${WRONG_JSON_TYPE}object`;
  };
}

/** The request broke one or more rules; every broken rule is listed (the same in every channel). */
export class RequestValidationError extends GatewayError {
  readonly kind: ErrorKind = "invalid";
  readonly code = "validation";
  readonly title = "The request is not valid";
  constructor(readonly errors: FieldViolation[]) {
    super(`${errors.length} field(s) are not valid: ${errors.map((e) => e.path || "(body)").join(", ")}`);
  }
  override details(): Record<string, unknown> {
    return { errors: this.errors };
  }
}
