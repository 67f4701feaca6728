import { describe, expect, it } from "vitest";
import { authenticate } from "../../../src/access/authenticate.js";
import { parseCallerRegistry } from "../../../src/access/callers.js";
import { AuthenticationError, ForbiddenError } from "../../../src/access/errors.js";
import { authorizeChange, mayChange } from "../../../src/access/policy.js";
import { signRequest } from "../../../src/access/signature.js";
import {
  GROUP_A,
  GROUP_B,
  PEER_1,
  PEER_2,
  SIGNING_SECRETS,
  TOKENS,
  testRegistry,
} from "../../helpers/callers.js";

const NOW = 1_760_000_000;
const options = { nowSeconds: NOW, toleranceSeconds: 300 };
const body = Buffer.from('{"groupId":"x"}');

function signed(secret: string, timestamp = String(NOW), overrides: Record<string, string> = {}) {
  const signature = signRequest(secret, {
    timestamp,
    method: "POST",
    pathWithQuery: "/v1/peering-changes?a=1",
    body,
  });
  return {
    method: "POST",
    pathWithQuery: "/v1/peering-changes?a=1",
    rawBody: body,
    headers: {
      "x-gateway-caller": "chatops",
      "x-gateway-timestamp": timestamp,
      "x-gateway-signature": signature,
      ...overrides,
    },
  };
}

describe("authenticate", () => {
  it("identifies a caller by any of its active bearer tokens", () => {
    for (const token of [TOKENS.ci, TOKENS.ciRotated]) {
      const request = {
        method: "PATCH",
        pathWithQuery: "/",
        rawBody: body,
        headers: { authorization: `Bearer ${token}` },
      };
      expect(authenticate(request, testRegistry(), options)).toMatchObject({
        caller: { id: "ci-pipeline" },
        scheme: "bearer",
      });
    }
  });

  it.each([
    ["no credentials", {}],
    ["an unknown token", { authorization: "Bearer nope-not-a-token" }],
    ["a non-bearer scheme", { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }],
    ["an empty bearer", { authorization: "Bearer " }],
  ])("refuses %s with 401", (_label, headers) => {
    const request = { method: "PATCH", pathWithQuery: "/", rawBody: body, headers };
    expect(() => authenticate(request, testRegistry(), options)).toThrow(AuthenticationError);
  });

  it("accepts a signed request made with either of the caller's signing secrets", () => {
    for (const secret of [SIGNING_SECRETS.bot, SIGNING_SECRETS.botNext]) {
      expect(authenticate(signed(secret), testRegistry(), options)).toMatchObject({
        caller: { id: "chatops" },
        scheme: "signature",
      });
    }
  });

  it("refuses a signature over a different body, path or method", () => {
    const good = signed(SIGNING_SECRETS.bot);
    const variants = [
      { ...good, rawBody: Buffer.from('{"groupId":"y"}') },
      { ...good, pathWithQuery: "/v1/peering-changes?a=2" },
      { ...good, method: "PATCH" },
    ];
    for (const request of variants)
      expect(() => authenticate(request, testRegistry(), options)).toThrow(/does not match/);
  });

  it("refuses timestamps outside the window either way, and accepts its edges", () => {
    expect(() =>
      authenticate(signed(SIGNING_SECRETS.bot, String(NOW - 301)), testRegistry(), options),
    ).toThrow(/within 300 s/);
    expect(() =>
      authenticate(signed(SIGNING_SECRETS.bot, String(NOW + 301)), testRegistry(), options),
    ).toThrow(/within 300 s/);
    expect(
      authenticate(signed(SIGNING_SECRETS.bot, String(NOW - 300)), testRegistry(), options).caller.id,
    ).toBe("chatops");
    expect(() => authenticate(signed(SIGNING_SECRETS.bot, "12.5"), testRegistry(), options)).toThrow(
      AuthenticationError,
    );
  });

  it("answers an unknown caller exactly like a wrong signature", () => {
    const unknown = signed(SIGNING_SECRETS.bot, String(NOW), { "x-gateway-caller": "ghost" });
    const wrong = signed("some-other-secret-entirely-000");
    const messages = [unknown, wrong].map((request) => {
      try {
        authenticate(request, testRegistry(), options);
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages[0]).toBe(messages[1]);
  });

  it("needs all three signature headers", () => {
    const { "x-gateway-timestamp": _dropped, ...headers } = signed(SIGNING_SECRETS.bot).headers;
    expect(() => authenticate({ ...signed(SIGNING_SECRETS.bot), headers }, testRegistry(), options)).toThrow(
      /needs X-Gateway-Caller/,
    );
  });

  it("never echoes the token it was sent", () => {
    const request = {
      method: "PATCH",
      pathWithQuery: "/",
      rawBody: body,
      headers: { authorization: "Bearer leaked-token-value" },
    };
    expect(() => authenticate(request, testRegistry(), options)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("leaked-token-value") }),
    );
  });
});

describe("project policy", () => {
  const [ci, narrow, chatops] = testRegistry().callers;

  it("allows a caller on its projects, and on listed peers only when peers are listed", () => {
    expect(ci && mayChange(ci, GROUP_A, PEER_2)).toBe(true);
    expect(ci && mayChange(ci, GROUP_B, PEER_1)).toBe(false);
    expect(narrow && mayChange(narrow, GROUP_B, PEER_1)).toBe(true);
    expect(narrow && mayChange(narrow, GROUP_B, PEER_2)).toBe(false);
    expect(chatops && mayChange(chatops, GROUP_B, PEER_2)).toBe(true);
  });

  it("throws a 403 naming the caller, project and peer", () => {
    expect(() => ci && authorizeChange(ci, GROUP_B, PEER_1)).toThrow(ForbiddenError);
    expect(() => ci && authorizeChange(ci, GROUP_B, PEER_1)).toThrow(
      `ci-pipeline may not change peer ${PEER_1} in project ${GROUP_B}`,
    );
  });
});

describe("callers registry", () => {
  it("parses a registry and defaults missing credential lists to empty", () => {
    const registry = parseCallerRegistry({ callers: [{ id: "a", projects: [{ groupId: "*" }] }] }, "test");
    expect(registry.callers[0]).toEqual({
      id: "a",
      tokenSha256: [],
      signingSecrets: [],
      projects: [{ groupId: "*" }],
      callbackHosts: [],
    });
  });

  it("names the bad entries and refuses duplicates, without echoing secrets", () => {
    const bad = {
      callers: [
        { id: "a", tokenSha256: ["plain-token"], signingSecrets: ["short"], projects: [{ groupId: "ABC" }] },
      ],
    };
    expect(() => parseCallerRegistry(bad, "test")).toThrow(
      /callers\.0\.tokenSha256\.0.*callers\.0\.signingSecrets\.0.*callers\.0\.projects\.0\.groupId/,
    );
    expect(() => parseCallerRegistry(bad, "test")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("plain-token") }),
    );
    const twice = {
      callers: [
        { id: "a", projects: [] },
        { id: "a", projects: [] },
      ],
    };
    expect(() => parseCallerRegistry(twice, "test")).toThrow(/lists caller a twice/);
  });
});
