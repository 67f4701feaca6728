/**
 * EventBridge event-pattern matching, the subset the gateway's rules use: literal values, nested objects,
 * `prefix`, `anything-but`, `exists` and `numeric`. Fields are ANDed, the values of one field ORed, and an
 * array in the event matches when any of its elements does.
 */

type Literal = string | number | boolean | null;

/** A pattern, as given to PutRule's `EventPattern` (parsed). */
export type EventPattern = { [field: string]: EventPattern | readonly unknown[] };

const COMPARATORS: Record<string, (value: number, bound: number) => boolean> = {
  "=": (value, bound) => value === bound,
  "<": (value, bound) => value < bound,
  "<=": (value, bound) => value <= bound,
  ">": (value, bound) => value > bound,
  ">=": (value, bound) => value >= bound,
};

/**
 * Whether `event` matches `pattern`. Throws a TypeError for a pattern EventBridge would refuse at PutRule
 * (see {@link assertEventPattern}), so a wrong rule fails loudly instead of never matching.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  assertEventPattern(pattern);
  return matchesObject(pattern, event);
}

/**
 * Throws a TypeError unless `pattern` is one EventBridge accepts (within the supported subset): an object
 * whose fields hold objects or arrays of literals and one-operator matchers.
 */
export function assertEventPattern(pattern: unknown, path = "the pattern"): asserts pattern is EventPattern {
  if (!isObject(pattern)) throw new TypeError(`${path} must be an object.`);
  for (const [field, expected] of Object.entries(pattern)) {
    const where = `${path}.${field}`;
    if (isObject(expected)) assertEventPattern(expected, where);
    else if (!Array.isArray(expected)) throw new TypeError(`${where} must be an array or an object.`);
    else for (const matcher of expected) assertMatcher(matcher, where);
  }
}

function assertMatcher(matcher: unknown, where: string): void {
  if (isLiteral(matcher)) return;
  const [operator, ...others] = isObject(matcher) ? Object.keys(matcher) : [];
  const operand = isObject(matcher) && operator !== undefined ? matcher[operator] : undefined;
  const valid =
    others.length === 0 &&
    ((operator === "exists" && typeof operand === "boolean") ||
      (operator === "prefix" && typeof operand === "string") ||
      (operator === "anything-but" && (Array.isArray(operand) ? operand : [operand]).every(isLiteral)) ||
      (operator === "numeric" && isNumericOperand(operand)));
  if (!valid) throw new TypeError(`${where} has an unsupported matcher ${JSON.stringify(matcher)}.`);
}

function isNumericOperand(operand: unknown): boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) return false;
  return operand.every((item, i) => (i % 2 === 0 ? String(item) in COMPARATORS : typeof item === "number"));
}

function matchesObject(pattern: EventPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value = isObject(event) ? event[field] : undefined;
    return Array.isArray(expected)
      ? matchesValues(expected, value)
      : matchesNested(expected as EventPattern, value);
  });
}

/** A nested pattern applies to an object, or to any object of an array. */
function matchesNested(pattern: EventPattern, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => matchesNested(pattern, element));
  return matchesObject(pattern, isObject(value) ? value : undefined);
}

/** Any of the values (literals or matcher objects) against the field's leaves. */
function matchesValues(expected: readonly unknown[], value: unknown): boolean {
  const leaves = leavesOf(value);
  return expected.some((matcher) =>
    isObject(matcher) ? matchesOperator(matcher, leaves) : leaves.some((leaf) => leaf === matcher),
  );
}

/** One validated matcher object against the field's leaves. */
function matchesOperator(matcher: Record<string, unknown>, leaves: Literal[]): boolean {
  const [operator = ""] = Object.keys(matcher);
  const operand = matcher[operator];
  switch (operator) {
    case "exists":
      // Only leaves exist: a field holding an object (or an empty array) counts as absent, as in EventBridge.
      return operand === leaves.length > 0;
    case "prefix":
      return leaves.some((leaf) => typeof leaf === "string" && leaf.startsWith(String(operand)));
    case "anything-but": {
      const excluded: unknown[] = Array.isArray(operand) ? operand : [operand];
      return leaves.some((leaf) => !excluded.includes(leaf));
    }
    default:
      return leaves.some((leaf) => typeof leaf === "number" && matchesNumeric(operand as unknown[], leaf));
  }
}

/** `[">", 0, "<=", 5]`: every (comparator, bound) pair must hold. */
function matchesNumeric(operand: unknown[], value: number): boolean {
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARATORS[String(operand[i])];
    if (!compare?.(value, Number(operand[i + 1]))) return false;
  }
  return true;
}

/** The literal values a field holds: itself, or the elements of its arrays; objects hold none. */
function leavesOf(value: unknown): Literal[] {
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return isLiteral(value) ? [value] : [];
}

function isLiteral(value: unknown): value is Literal {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
