import { describe, expect, it } from "vitest";
import { CallerRegistryError, parseCallerRegistry } from "../../../src/access/callers.js";

const base = { id: "ci", tokenSha256: [], projects: [{ groupId: "*" }] };

describe("a caller's own rate limit in the registry", () => {
  it("is kept when given and absent otherwise", () => {
    const registry = parseCallerRegistry(
      {
        callers: [
          { ...base, rateLimit: { perMinute: 120, burst: 20 } },
          { ...base, id: "other" },
        ],
      },
      "test",
    );
    expect(registry.callers[0]?.rateLimit).toEqual({ perMinute: 120, burst: 20 });
    expect(registry.callers[1]).not.toHaveProperty("rateLimit");
  });

  it("is refused, by path, when it is not a positive rate and a whole burst", () => {
    const bad = { callers: [{ ...base, rateLimit: { perMinute: 0, burst: 1.5 } }] };
    expect(() => parseCallerRegistry(bad, "test")).toThrow(CallerRegistryError);
    expect(() => parseCallerRegistry(bad, "test")).toThrow(/callers\.0\.rateLimit\.perMinute/);
  });
});
