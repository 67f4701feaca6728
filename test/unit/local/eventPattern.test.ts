import { describe, expect, it } from "vitest";
import { assertEventPattern, type EventPattern, matchesPattern } from "../../../local/aws/eventPattern.js";

/** An event as EventBridge delivers it, with a detail rich enough for every operator. */
const EVENT = {
  version: "0",
  id: "e-1",
  "detail-type": "Peering Change State Changed",
  source: "atlas-peering-gateway",
  account: "123456789012",
  time: "2026-11-28T12:00:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:x:1", "arn:aws:x:2"],
  detail: {
    state: "FAILED",
    attempt: 3,
    dryRun: false,
    note: null,
    tags: ["blue", "green"],
    atlas: { status: "FAILED", httpStatus: 409 },
    history: [{ to: "IN_PROGRESS" }, { to: "FAILED" }],
  },
};

const matches = (pattern: EventPattern) => matchesPattern(pattern, EVENT);

describe("matchesPattern", () => {
  it("matches lists of literal values, ORed within a field and ANDed across fields", () => {
    expect(matches({ source: ["atlas-peering-gateway"] })).toBe(true);
    expect(
      matches({
        source: ["other", "atlas-peering-gateway"],
        "detail-type": ["Peering Change State Changed"],
      }),
    ).toBe(true);
    expect(matches({ source: ["atlas-peering-gateway"], "detail-type": ["Other"] })).toBe(false);
    expect(matches({ detail: { attempt: [3], dryRun: [false], note: [null] } })).toBe(true);
    // Types matter: the string "3" is not the number 3, and null is not false.
    expect(matches({ detail: { attempt: ["3"] } })).toBe(false);
    expect(matches({ detail: { note: [false] } })).toBe(false);
    expect(matches({})).toBe(true);
  });

  it("descends into nested objects, and into arrays of objects", () => {
    expect(matches({ detail: { atlas: { status: ["FAILED"], httpStatus: [409] } } })).toBe(true);
    expect(matches({ detail: { atlas: { status: ["AVAILABLE"] } } })).toBe(false);
    expect(matches({ detail: { history: { to: ["FAILED"] } } })).toBe(true);
    expect(matches({ detail: { history: { to: ["SUCCEEDED"] } } })).toBe(false);
    expect(matches({ detail: { missing: { deeper: ["x"] } } })).toBe(false);
  });

  it("matches an array in the event when any of its elements matches", () => {
    expect(matches({ resources: ["arn:aws:x:2"] })).toBe(true);
    expect(matches({ detail: { tags: ["green", "red"] } })).toBe(true);
    expect(matches({ detail: { tags: ["red"] } })).toBe(false);
  });

  it("matches prefixes of strings only", () => {
    expect(matches({ source: [{ prefix: "atlas-" }] })).toBe(true);
    expect(matches({ source: [{ prefix: "gateway" }] })).toBe(false);
    expect(matches({ detail: { attempt: [{ prefix: "3" }] } })).toBe(false);
  });

  it("matches anything but a value or a list of values, and never a missing field", () => {
    expect(matches({ detail: { state: [{ "anything-but": "SUCCEEDED" }] } })).toBe(true);
    expect(matches({ detail: { state: [{ "anything-but": ["SUCCEEDED", "FAILED"] }] } })).toBe(false);
    expect(matches({ detail: { attempt: [{ "anything-but": [1, 2] }] } })).toBe(true);
    expect(matches({ detail: { absent: [{ "anything-but": "x" }] } })).toBe(false);
    // An array matches when any element is not excluded.
    expect(matches({ detail: { tags: [{ "anything-but": "blue" }] } })).toBe(true);
    expect(matches({ detail: { tags: [{ "anything-but": ["blue", "green"] }] } })).toBe(false);
  });

  it("tests existence of leaf values: an object or a missing field does not exist", () => {
    expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { note: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { absent: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { absent: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { state: [{ exists: false }] } })).toBe(false);
    expect(matches({ detail: { atlas: [{ exists: true }] } })).toBe(false);
  });

  it("compares numbers with every (comparator, bound) pair, and never strings", () => {
    expect(matches({ detail: { attempt: [{ numeric: [">", 0, "<=", 5] }] } })).toBe(true);
    expect(matches({ detail: { attempt: [{ numeric: [">", 3] }] } })).toBe(false);
    expect(matches({ detail: { attempt: [{ numeric: [">=", 3] }] } })).toBe(true);
    expect(matches({ detail: { attempt: [{ numeric: ["=", 3] }] } })).toBe(true);
    expect(matches({ detail: { attempt: [{ numeric: ["<", 3] }] } })).toBe(false);
    expect(matches({ detail: { atlas: { httpStatus: [{ numeric: [">=", 400, "<", 500] }] } } })).toBe(true);
    expect(matches({ detail: { state: [{ numeric: [">", 0] }] } })).toBe(false);
  });

  it("ORs literals and operators in one list", () => {
    expect(matches({ detail: { state: ["SUCCEEDED", { prefix: "FAIL" }] } })).toBe(true);
    expect(matches({ detail: { state: ["SUCCEEDED", { prefix: "CANCEL" }] } })).toBe(false);
  });
});

describe("assertEventPattern", () => {
  it("refuses patterns EventBridge would refuse, naming where", () => {
    expect(() => assertEventPattern({ source: "atlas-peering-gateway" })).toThrow(
      "the pattern.source must be an array or an object.",
    );
    expect(() => assertEventPattern({ detail: { x: [{ wildcard: "a*" }] } })).toThrow(
      'the pattern.detail.x has an unsupported matcher {"wildcard":"a*"}.',
    );
    expect(() => assertEventPattern({ x: [{ numeric: [">"] }] })).toThrow(TypeError);
    expect(() => assertEventPattern({ x: [{ numeric: ["~", 1] }] })).toThrow(TypeError);
    expect(() => assertEventPattern({ x: [{ prefix: "a", exists: true }] })).toThrow(TypeError);
    expect(() => assertEventPattern({ x: [{ exists: "yes" }] })).toThrow(TypeError);
    expect(() => assertEventPattern([])).toThrow("the pattern must be an object.");
    expect(() => matchesPattern({ detail: { x: [[1]] } } as never, EVENT)).toThrow(TypeError);
  });

  it("accepts every supported form", () => {
    const pattern = {
      source: ["a", 1, true, null],
      detail: {
        a: [{ prefix: "p" }, { "anything-but": ["x", 2] }, { exists: false }, { numeric: ["<", 1] }],
      },
    };
    expect(() => assertEventPattern(pattern)).not.toThrow();
  });
});
