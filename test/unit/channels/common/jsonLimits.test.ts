import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkJsonShape, MAX_JSON_DEPTH } from "../../../../src/channels/common/jsonLimits.js";

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("checkJsonShape", () => {
  it("takes nesting up to the limit and refuses one level more, without recursing", () => {
    expect(checkJsonShape(nested(MAX_JSON_DEPTH))).toEqual([]);
    expect(checkJsonShape(nested(MAX_JSON_DEPTH + 1))).toEqual([
      { path: "body", message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
    // 3000 levels in 6 KB: what overflowed the stack in the refusal audit.
    expect(checkJsonShape(nested(3000))).toHaveLength(1);
    expect(checkJsonShape(nested(200_000))).toHaveLength(1);
  });

  it("names every key given twice in one object, however it is spelt, with its path", () => {
    const body =
      '{"peering":{"routeTableCidrBlock":"8.8.8.0/24","vpcId":"v","routeTableCidrBlock":"10.9.0.0/21"}}';
    expect(checkJsonShape(body)).toEqual([
      { path: "body.peering.routeTableCidrBlock", message: "is given more than once; send it once" },
    ]);
    expect(checkJsonShape('{"vpcId":"a","\\u0076pcId":"b"}')).toEqual([
      { path: "body.vpcId", message: "is given more than once; send it once" },
    ]);
    expect(checkJsonShape('[{"a":1},{"a":2},{"b":{"a":1,"a":2}}]')).toEqual([
      { path: "body[2].b.a", message: "is given more than once; send it once" },
    ]);
  });

  it("finds nothing wrong in any JSON that JSON.stringify writes (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => {
        expect(checkJsonShape(JSON.stringify(value))).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it("finds a key repeated anywhere in an object (property)", () => {
    const objects = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 });
    fc.assert(
      fc.property(objects, fc.jsonValue({ maxDepth: 2 }), (object, extra) => {
        const [key] = Object.keys(object);
        const text = `${JSON.stringify(object).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(extra)}}`;
        expect(checkJsonShape(text).map((v) => v.message)).toContain("is given more than once; send it once");
      }),
      { numRuns: 1_000 },
    );
  });
});
