import { afterEach, describe, expect, it, vi } from "vitest";
import { ignoredSettingsWarnings, optionsFromEnv } from "../../../local/startOptions.js";

afterEach(() => vi.restoreAllMocks());

describe("Atlas settings given without ATLAS_BASE_URL", () => {
  it("warns once that they are ignored and the simulator is used, naming the variables but never their values", () => {
    const env = { ATLAS_PUBLIC_KEY: "pubkey-7f3a", ATLAS_PRIVATE_KEY: "private-key-value-0c1d" };
    const warnings = ignoredSettingsWarnings(env);
    expect(warnings).toHaveLength(1);
    const [warning = ""] = warnings;
    expect(warning).toContain("ATLAS_PUBLIC_KEY, ATLAS_PRIVATE_KEY ignored");
    expect(warning).toContain("simulator");
    expect(warning).toContain("ATLAS_BASE_URL");
    expect(warning).not.toContain("pubkey-7f3a");
    expect(warning).not.toContain("private-key-value-0c1d");
    expect(warning).not.toContain("\n");
  });

  it("says nothing when ATLAS_BASE_URL is set or no Atlas setting is given", () => {
    expect(ignoredSettingsWarnings({ ATLAS_BASE_URL: "https://a.example", ATLAS_CLIENT_ID: "x" })).toEqual(
      [],
    );
    expect(ignoredSettingsWarnings({ PORT: "3000" })).toEqual([]);
  });
});

describe("the events npm start prints", () => {
  it("are JSON log lines of the functions' shape (level, message, timestamp, service), at INFO whatever LOG_LEVEL", () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const { onEvent } = optionsFromEnv({ LOG_LEVEL: "WARN" });
    onEvent?.({
      source: "atlas-peering-gateway",
      time: "2026-12-01T12:00:00Z",
      detailType: "Peering Change State Changed",
      detail: { id: "chg-1", state: "SUCCEEDED" } as never,
    });
    vi.restoreAllMocks();
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] ?? "")).toMatchObject({
      level: "INFO",
      message: "event Peering Change State Changed: chg-1 SUCCEEDED",
      service: "atlas-peering-gateway-local",
      timestamp: expect.any(String),
      changeId: "chg-1",
      state: "SUCCEEDED",
    });
  });
});
