import { describe, expect, it } from "vitest";
import {
  slackReplayKey,
  slackSignature,
  verifySlackSignature,
} from "../../../../src/channels/slack/signature.js";

// Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP = "1531420618";
const BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&" +
  "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&" +
  "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&" +
  "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const NOW = Number(TIMESTAMP) + 12;

function input(overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) {
  return {
    rawBody: Buffer.from(BODY),
    timestamp: TIMESTAMP,
    signature: EXPECTED,
    signingSecrets: [SECRET],
    nowSeconds: NOW,
    ...overrides,
  };
}

describe("verifySlackSignature", () => {
  it("computes Slack's published example signature", () => {
    expect(slackSignature(SECRET, TIMESTAMP, Buffer.from(BODY))).toBe(EXPECTED);
  });

  it("verifies Slack's published example", () => {
    expect(verifySlackSignature(input())).toEqual({ ok: true });
  });

  it("refuses a tampered body, timestamp or signature", () => {
    const tampered = Buffer.from(BODY.replace("text=&", "text=update&"));
    expect(verifySlackSignature(input({ rawBody: tampered }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(verifySlackSignature(input({ timestamp: String(Number(TIMESTAMP) + 1) }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(verifySlackSignature(input({ signature: EXPECTED.replace("a2114", "a2115") }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(verifySlackSignature(input({ signature: EXPECTED.slice(3) }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
  });

  it("refuses a body signed with another secret, and any body when no secret is configured", () => {
    expect(verifySlackSignature(input({ signingSecrets: ["another-secret-0000000000"] }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
    expect(verifySlackSignature(input({ signingSecrets: [] }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
  });

  it("accepts a timestamp exactly 300 s away either way and refuses 301 s", () => {
    const at = (nowSeconds: number) => verifySlackSignature(input({ nowSeconds }));
    const ts = Number(TIMESTAMP);
    expect(at(ts + 300)).toEqual({ ok: true });
    expect(at(ts - 300)).toEqual({ ok: true });
    expect(at(ts + 301)).toEqual({ ok: false, reason: "stale timestamp" });
    expect(at(ts - 301)).toEqual({ ok: false, reason: "stale timestamp" });
  });

  it("honours a custom tolerance", () => {
    const ts = Number(TIMESTAMP);
    expect(verifySlackSignature(input({ nowSeconds: ts + 61, toleranceSeconds: 60 }))).toEqual({
      ok: false,
      reason: "stale timestamp",
    });
    expect(verifySlackSignature(input({ nowSeconds: ts + 60, toleranceSeconds: 60 }))).toEqual({ ok: true });
  });

  it("refuses timestamps that are not plain digits", () => {
    for (const timestamp of ["1.531420618e9", " 1531420618", "-1531420618", "abc"]) {
      expect(verifySlackSignature(input({ timestamp }))).toEqual({ ok: false, reason: "stale timestamp" });
    }
  });

  it("reports missing headers", () => {
    expect(verifySlackSignature(input({ timestamp: undefined }))).toEqual({
      ok: false,
      reason: "missing headers",
    });
    expect(verifySlackSignature(input({ signature: undefined }))).toEqual({
      ok: false,
      reason: "missing headers",
    });
    expect(verifySlackSignature(input({ signature: "" }))).toEqual({ ok: false, reason: "missing headers" });
  });

  it("accepts either secret while a secret is being rotated", () => {
    const next = "a-new-slack-signing-secret-000001";
    const signedWithNext = slackSignature(next, TIMESTAMP, Buffer.from(BODY));
    for (const signingSecrets of [
      [SECRET, next],
      [next, SECRET],
    ]) {
      expect(verifySlackSignature(input({ signingSecrets }))).toEqual({ ok: true });
      expect(verifySlackSignature(input({ signingSecrets, signature: signedWithNext }))).toEqual({
        ok: true,
      });
    }
    expect(verifySlackSignature(input({ signingSecrets: [next], signature: EXPECTED }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
  });

  it("verifies over the raw bytes, including non-ASCII ones", () => {
    const raw = Buffer.from("text=r%C3%A9seau&x=ü", "utf8");
    const signature = slackSignature(SECRET, TIMESTAMP, raw);
    expect(verifySlackSignature(input({ rawBody: raw, signature }))).toEqual({ ok: true });
    const latin1 = Buffer.from("text=r%C3%A9seau&x=ü", "latin1");
    expect(verifySlackSignature(input({ rawBody: latin1, signature }))).toEqual({
      ok: false,
      reason: "bad signature",
    });
  });
});

describe("slackReplayKey", () => {
  it("names one delivery by its workspace and signed base string, holding neither the body nor the signature", () => {
    const key = slackReplayKey("T1DC2JH3J", TIMESTAMP, Buffer.from(BODY));
    expect(key).toBe(slackReplayKey("T1DC2JH3J", TIMESTAMP, BODY));
    expect(key).not.toContain(EXPECTED.slice(3));
    expect(key).not.toContain("trigger_id");
    for (const other of [
      slackReplayKey("T0OTHER00", TIMESTAMP, BODY),
      slackReplayKey("T1DC2JH3J", String(Number(TIMESTAMP) + 1), BODY),
      slackReplayKey("T1DC2JH3J", TIMESTAMP, BODY.replace("398738663015", "398738663016")),
    ])
      expect(other).not.toBe(key);
  });
});
