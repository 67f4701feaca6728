import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Cidr,
  contains,
  formatCidr,
  maskOf,
  overlaps,
  parseCidr,
} from "../../../../src/domain/policy/cidr.js";

/** Any IPv4 block, host bits cleared. */
const block = fc
  .record({ address: fc.integer({ min: 0, max: 0xffffffff }), prefix: fc.integer({ min: 0, max: 32 }) })
  .map(({ address, prefix }): Cidr => ({ network: (address & maskOf(prefix)) >>> 0, prefix }));

/** The block's first and last address, computed independently with plain arithmetic. */
function range(cidr: Cidr): [number, number] {
  const size = 2 ** (32 - cidr.prefix);
  return [cidr.network, cidr.network + size - 1];
}

describe("CIDR arithmetic", () => {
  it("parses strictly, and says when host bits are set", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ network: 0x0a000000, prefix: 8, exact: true });
    expect(parseCidr("10.0.0.5/24")).toEqual({ network: 0x0a000000, prefix: 24, exact: false });
    expect(parseCidr("0.0.0.0/0")).toEqual({ network: 0, prefix: 0, exact: true });
    for (const bad of [
      "10.0.0.0",
      "10.0.0.0/33",
      "256.0.0.0/8",
      "010.0.0.0/8",
      "10.0.0.0/08",
      "a.b.c.d/8",
      "",
    ]) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  it("contains exactly when the inner range lies within the outer range", () => {
    fc.assert(
      fc.property(block, block, (outer, inner) => {
        const [a0, a1] = range(outer);
        const [b0, b1] = range(inner);
        expect(contains(outer, inner)).toBe(a0 <= b0 && b1 <= a1);
      }),
      { numRuns: 2_000 },
    );
  });

  it("overlaps exactly when the ranges share an address, symmetrically", () => {
    fc.assert(
      fc.property(block, block, (a, b) => {
        const [a0, a1] = range(a);
        const [b0, b1] = range(b);
        expect(overlaps(a, b)).toBe(a0 <= b1 && b0 <= a1);
        expect(overlaps(a, b)).toBe(overlaps(b, a));
      }),
      { numRuns: 2_000 },
    );
  });

  it("a block contains and overlaps itself and every block inside it", () => {
    fc.assert(
      fc.property(
        block,
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (outer, p, bits) => {
          const prefix = Math.max(outer.prefix, p);
          const inner = {
            network: ((outer.network | (bits & ~maskOf(outer.prefix))) & maskOf(prefix)) >>> 0,
            prefix,
          };
          expect(contains(outer, outer)).toBe(true);
          expect(contains(outer, inner)).toBe(true);
          expect(overlaps(inner, outer)).toBe(true);
        },
      ),
    );
  });

  it("formats what it parses back to the same text", () => {
    fc.assert(
      fc.property(block, (cidr) => {
        expect(parseCidr(formatCidr(cidr))).toEqual({ ...cidr, exact: true });
      }),
    );
  });

  it("knows the cases the guardrails meet", () => {
    const of = (text: string) => parseCidr(text) as Cidr;
    expect(contains(of("10.0.0.0/8"), of("10.13.0.0/21"))).toBe(true);
    expect(contains(of("10.0.0.0/8"), of("192.168.10.0/24"))).toBe(false);
    expect(overlaps(of("192.168.248.0/24"), of("192.168.248.0/21"))).toBe(true);
    expect(overlaps(of("10.8.0.0/21"), of("10.8.8.0/21"))).toBe(false);
  });
});
