import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const minimal = { ATLAS_SECRET_ID: "gw/atlas", CALLERS_SECRET_ID: "gw/callers" };

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      atlasBaseUrl: "https://cloud.mongodb.com",
      secretsMaxAgeSeconds: 300,
      atlasSecretIdsByProject: {},
      signatureToleranceSeconds: 300,
      maxBodyBytes: 16_384,
      retry: { maxAttempts: 4 },
    });
  });

  it("reads a per-project secret map", () => {
    const config = loadConfig({
      ...minimal,
      ATLAS_SECRET_IDS_BY_PROJECT: '{"5f1e2d3c4b5a69788796a5b4":"gw/team-a"}',
    });
    expect(config.atlasSecretIdsByProject).toEqual({ "5f1e2d3c4b5a69788796a5b4": "gw/team-a" });
  });

  it("names every missing or malformed variable at once", () => {
    const attempt = () =>
      loadConfig({ SECRETS_MAX_AGE_SECONDS: "soon", ATLAS_SECRET_IDS_BY_PROJECT: "{oops" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ATLAS_SECRET_ID.*CALLERS_SECRET_ID|CALLERS_SECRET_ID.*ATLAS_SECRET_ID/);
    expect(attempt).toThrow(/SECRETS_MAX_AGE_SECONDS/);
    expect(attempt).toThrow(/ATLAS_SECRET_IDS_BY_PROJECT/);
  });
});
