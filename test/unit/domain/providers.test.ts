import { describe, expect, it } from "vitest";
import { nextAction } from "../../../src/domain/change/nextAction.js";
import {
  PROVIDER_MODULES,
  PROVIDERS,
  type Provider,
  providerModule,
} from "../../../src/domain/peering/providers/index.js";
import { validatePeeringSettings } from "../../../src/domain/peering/request.js";
import { WRITABLE_FIELDS } from "../../../src/domain/peering/settings.js";
import { readPeerStatus } from "../../../src/domain/peering/status.js";
import { AWS_BODY, AZURE_BODY, errorsOf, GCP_BODY } from "./peering-bodies.js";

/** A valid v2 body of each provider, every writable field set. */
const BODIES: Record<Provider, Record<string, string>> = { AWS: AWS_BODY, AZURE: AZURE_BODY, GCP: GCP_BODY };

const writable = (provider: Provider) => Object.keys(PROVIDER_MODULES[provider].fields);

describe("provider modules", () => {
  it("lists every provider once, in Atlas's order, each module under its own name", () => {
    expect(PROVIDERS).toEqual(["AWS", "AZURE", "GCP"]);
    expect(Object.keys(PROVIDER_MODULES).sort()).toEqual([...PROVIDERS].sort());
    for (const provider of PROVIDERS) expect(PROVIDER_MODULES[provider].name).toBe(provider);
  });

  it("assumes AWS, and only AWS, when providerName is absent", () => {
    expect(PROVIDERS.filter((provider) => PROVIDER_MODULES[provider].providerNameOptional)).toEqual(["AWS"]);
    expect(providerModule(undefined).name).toBe("AWS");
    expect(providerModule(null)?.name).toBe("AWS");
    expect(providerModule("GCP")?.name).toBe("GCP");
    expect(providerModule("IBM")).toBeUndefined();
    expect(providerModule("toString")).toBeUndefined();
  });

  describe.each(PROVIDERS)("%s", (provider) => {
    const module = PROVIDER_MODULES[provider];
    const body = BODIES[provider];

    it("has exactly the writable fields its v2 schema accepts", () => {
      const { providerName: _name, ...fields } = body;
      expect(writable(provider).sort()).toEqual(Object.keys(fields).sort());
      expect(WRITABLE_FIELDS[provider]).toEqual(writable(provider));
      expect(validatePeeringSettings(body, "full")).toEqual({ ok: true, value: body });
    });

    it.each(writable(provider))("refuses a full body without %s only if v2 requires it", (field) => {
      const { [field]: _left, ...rest } = body;
      const result = validatePeeringSettings(rest, "full");
      // Atlas enforces only the base schema's containerId on PATCH (Terraform updates AZURE and GCP without
      // the provider's fields), so the gateway requires nothing more.
      if (field === "containerId") {
        expect(errorsOf(result)).toEqual([{ path: field, message: "is required" }]);
      } else {
        expect(result).toEqual({ ok: true, value: rest });
      }
    });

    it("re-initialises and fixes only its own writable fields", () => {
      for (const field of [...(module.reinitialising?.fields ?? []), ...(module.fixed?.fields ?? [])]) {
        expect(writable(provider)).toContain(field);
      }
      if (module.reinitialising) expect(module.reinitialising.warning).not.toBe("");
      if (module.fixed) expect(module.fixed.reason).not.toBe("");
    });

    it("reads status and error from its own fields of an Atlas body", () => {
      const atlas = { ...body, id: "6a0b1c2d3e4f5a6b7c8d9e0f", [module.statusField]: "FAILED" };
      expect(readPeerStatus(atlas)).toEqual({ status: "FAILED" });
      const failed = { ...atlas, [module.errorField]: "VPC_NOT_FOUND" };
      expect(readPeerStatus(failed)).toEqual({ status: "FAILED", error: "VPC_NOT_FOUND" });
      expect(readPeerStatus({ status: 200, content: failed })).toEqual({
        status: "FAILED",
        error: "VPC_NOT_FOUND",
      });
    });

    it("has a next action for the customer's step", () => {
      const change = {
        provider,
        desired: JSON.stringify(body),
        atlas: { connectionId: "pcx-0123456789abcdef0" },
      };
      const text = nextAction(change);
      expect(text).toBe(module.nextAction(change, body));
      expect(text).toMatch(/\S/);
      expect(text).not.toBe(nextAction({ ...change, provider: "IBM" as Provider }));
    });
  });

  it("names the fields each provider reports its status and error in", () => {
    expect(PROVIDERS.map((p) => [PROVIDER_MODULES[p].statusField, PROVIDER_MODULES[p].errorField])).toEqual([
      ["statusName", "errorStateName"],
      ["status", "errorState"],
      ["status", "errorMessage"],
    ]);
  });
});
