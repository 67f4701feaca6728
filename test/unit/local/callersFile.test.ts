import { describe, expect, it } from "vitest";
import { jsonErrorPosition } from "../../../local/callersFile.js";

/** JSON.parse's own message for `text` (this Node's wording). */
function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the text parsed");
}

const FILE = ['{"callers": [', '  {"id": "ci", "projects": [x]},', '  {"id": "bot",}', "]}"].join("\n");

describe("where a callers file stops being JSON (line and column from JSON.parse's message)", () => {
  it("finds an unexpected token that V8 quotes with its context", () => {
    expect(jsonErrorPosition(FILE, parseError(FILE))).toEqual({ line: 2, column: 29 });
  });

  it("finds an error V8 gives as a position (Node 20), with or without Node 22's line and column", () => {
    const text = FILE.replace("[x]", "[]");
    const message = parseError(text);
    expect(jsonErrorPosition(text, message)).toEqual({ line: 3, column: 16 });
    const offset = text.indexOf("}", text.indexOf('"bot",'));
    for (const wording of [
      `Expected double-quoted property name in JSON at position ${offset}`,
      `Expected double-quoted property name in JSON at position ${offset} (line 3 column 16)`,
    ])
      expect(jsonErrorPosition(text, wording)).toEqual({ line: 3, column: 16 });
  });

  it("puts a file that ends too soon at its end, and a short text's bad token where it is", () => {
    expect(jsonErrorPosition('{"callers": [\n', parseError('{"callers": [\n'))).toEqual({
      line: 2,
      column: 1,
    });
    expect(jsonErrorPosition('{"a": tru}', parseError('{"a": tru}'))).toEqual({ line: 1, column: 10 });
  });

  it("says nothing when the message names no place", () => {
    expect(jsonErrorPosition(FILE, "something else went wrong")).toBeUndefined();
  });
});
