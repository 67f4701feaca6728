import { describe, expect, it } from "vitest";
import { type CallbackRegistration, recheckCallback } from "../../../src/domain/change/callbackPolicy.js";

const SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
const URL_STORED = "https://hooks.example.com/peering?token=abc123";
const ENTRY: CallbackRegistration = { callbackHosts: ["hooks.example.com"], callbackSecret: SECRET };

function reasonOf(entry: CallbackRegistration | undefined, url = URL_STORED): string {
  const decision = recheckCallback(entry, url);
  if (decision.allowed) throw new Error("expected a refusal");
  return decision.reason;
}

describe("recheckCallback: the delivery-time re-check of a stored callbackUrl", () => {
  it("allows a URL whose host is still listed, for a caller that still has a secret", () => {
    expect(recheckCallback(ENTRY, URL_STORED)).toEqual({ allowed: true });
    expect(recheckCallback({ ...ENTRY, callbackHosts: ["*.example.com"] }, URL_STORED)).toEqual({
      allowed: true,
    });
  });

  it("refuses when the caller is no longer registered", () => {
    expect(reasonOf(undefined)).toBe("the caller is no longer registered");
  });

  it("refuses when the host was removed from the allowlist since admission", () => {
    expect(reasonOf({ ...ENTRY, callbackHosts: ["other.example.com"] })).toBe(
      "host hooks.example.com is not in the callback allowlist",
    );
  });

  it("refuses when the caller has no allowlist any more", () => {
    expect(reasonOf({ callbackSecret: SECRET })).toBe(
      "host hooks.example.com is not in the callback allowlist",
    );
    expect(reasonOf({ callbackSecret: SECRET, callbackHosts: [] })).toMatch(/not in the callback allowlist/);
  });

  it("refuses when the secret was withdrawn", () => {
    const expected = "the caller has no callback secret to sign callbacks with";
    expect(reasonOf({ callbackHosts: ["hooks.example.com"] })).toBe(expected);
    expect(reasonOf({ callbackHosts: ["hooks.example.com"], callbackSecret: "" })).toBe(expected);
  });

  it("applies every admission rule, not only the host list (a URL stored before a rule existed)", () => {
    const local = { ...ENTRY, callbackHosts: ["hooks.example.com", "localhost"] };
    expect(reasonOf(local, "http://hooks.example.com/cb")).toMatch(/must use https/);
    expect(reasonOf(local, "https://u:p@hooks.example.com/cb")).toMatch(/user name or password/);
    expect(reasonOf(local, "https://hooks.example.com./cb")).toMatch(/must not end with a dot/);
  });

  it("names the host at most: never the secret, the path or the query", () => {
    const reasons = [
      reasonOf({ ...ENTRY, callbackHosts: [] }),
      reasonOf({ callbackHosts: ENTRY.callbackHosts ?? [] }),
      reasonOf(undefined),
    ].join(" ");
    for (const hidden of [SECRET, "abc123", "/peering", "token"]) expect(reasons).not.toContain(hidden);
  });

  it("accepts a Caller-shaped entry with other fields", () => {
    const caller = { id: "ci", tokenSha256: [], signingSecrets: [], projects: [], ...ENTRY };
    expect(recheckCallback(caller, URL_STORED)).toEqual({ allowed: true });
  });
});
