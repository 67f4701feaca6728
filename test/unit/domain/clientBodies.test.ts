import { describe, expect, it } from "vitest";
import { validatePeeringSettings } from "../../../src/domain/peering/request.js";
import { providerOf } from "../../../src/domain/peering/settings.js";
import { clientFixtures } from "../../fixtures/clients/index.js";

/**
 * Issue 11 item 3, "never stricter than Atlas": every body Terraform, the Atlas CLI and the Go SDK send
 * (test/fixtures/clients/) passes the drop-in validation, on v2 as the clients send it and on v1.0, which
 * takes any subset of the same fields.
 */
const FIXTURES = clientFixtures();

describe("bodies mainstream Atlas clients send", () => {
  it("are all there, from each client", () => {
    expect(new Set(FIXTURES.map((f) => f.client))).toEqual(
      new Set(["terraform-provider-mongodbatlas", "mongodb-atlas-cli", "atlas-sdk-go"]),
    );
    expect(FIXTURES.length).toBeGreaterThanOrEqual(11);
    for (const fixture of FIXTURES) {
      expect(fixture.sources.length).toBeGreaterThan(0);
      for (const source of fixture.sources) expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it.each(FIXTURES.map((f) => [f.name, f] as const))("%s passes the drop-in validation", (_name, fixture) => {
    for (const mode of ["full", "partial"] as const) {
      const result = validatePeeringSettings(fixture.body, mode);
      expect(result).toEqual({ ok: true, value: fixture.body });
      if (result.ok) expect(providerOf(result.value)).toBe(fixture.provider);
    }
  });
});
