import type { ErrorKind } from "../../domain/errors.js";
import type { FieldViolation } from "../../domain/validation.js";
import { HttpProblemError } from "./errors.js";

/**
 * No request body the gateway takes nests deeper than a handful of levels (Atlas's peering settings are flat).
 * Deeper JSON is refused before anything walks it recursively (validation, the audit record, log lines).
 */
export const MAX_JSON_DEPTH = 32;

/** A body that parses as JSON but has a shape no client sends: too deep, or a key given twice. */
export class JsonShapeError extends HttpProblemError {
  readonly kind: ErrorKind = "invalid";
  readonly status = 400;
  readonly code = "json-shape";
  readonly title = "The body's JSON shape is not accepted";
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => `${v.path} ${v.message}`).join("; "));
  }
  override details(): Record<string, unknown> {
    return { errors: this.violations };
  }
}

/** One open object or array while scanning, with what is needed to name a path and spot a repeated key. */
interface Frame {
  kind: "object" | "array";
  path: string;
  keys: Set<string>;
  expectKey: boolean;
  index: number;
}

/**
 * Checks JSON text that already parsed: its nesting depth and keys given twice in one object (JSON.parse keeps
 * the last one silently, while Atlas would receive both and the audit would show one). Iterative, one pass, no
 * recursion, so a 3000-deep array costs nothing but a refusal. Violations name the path (`body.peering.vpcId`).
 */
export function checkJsonShape(text: string, maxDepth = MAX_JSON_DEPTH): FieldViolation[] {
  const stack: Frame[] = [];
  const violations: FieldViolation[] = [];
  let lastKey = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const top = stack.at(-1);
    if (char === '"') {
      const end = stringEnd(text, i);
      if (top?.kind === "object" && top.expectKey) {
        lastKey = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(lastKey))
          violations.push({
            path: `${top.path}.${lastKey}`,
            message: "is given more than once; send it once",
          });
        top.keys.add(lastKey);
        top.expectKey = false;
      }
      i = end;
    } else if (char === "{" || char === "[") {
      if (stack.length >= maxDepth)
        return [{ path: "body", message: `nests deeper than ${maxDepth} levels` }];
      stack.push(open(char, childPath(top, lastKey)));
    } else if (char === "}" || char === "]") {
      stack.pop();
    } else if (char === "," && top) {
      if (top.kind === "object") top.expectKey = true;
      else top.index++;
    }
  }
  return violations;
}

function open(char: string, path: string): Frame {
  return {
    kind: char === "{" ? "object" : "array",
    path,
    keys: new Set(),
    expectKey: char === "{",
    index: 0,
  };
}

/** The path of a value opened inside `parent`: its key in an object, its index in an array. */
function childPath(parent: Frame | undefined, key: string): string {
  if (!parent) return "body";
  return parent.kind === "object" ? `${parent.path}.${key}` : `${parent.path}[${parent.index}]`;
}

/** The index of the quote closing the string that opens at `start` (the text is valid JSON). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
