import { describe, expect, it } from "vitest";
import { banner } from "../../../local/banner.js";
import type { LocalStack } from "../../../local/stack.js";

/** Only what the banner reads: no simulator, no stand-ins running. */
function stackWith(token: { devToken: string; devTokenGenerated: boolean }): LocalStack {
  const names = {
    atlasSecret: "a",
    callersSecret: "c",
    slackSecret: "s",
    table: "t",
    scheduleGroup: "g",
    eventBus: "b",
  };
  const at = { url: "http://127.0.0.1:1" };
  const cloud = {
    names,
    region: "eu-west-1",
    accountId: "000000000000",
    secretsManager: at,
    dynamodb: at,
    scheduler: at,
    eventBridge: at,
  };
  return {
    gatewayUrl: "http://127.0.0.1:3000",
    slackSigningSecret: "slack-secret",
    cloud,
    ...token,
  } as unknown as LocalStack;
}

describe("the npm start banner", () => {
  it("never prints a dev token that was supplied in GATEWAY_DEV_TOKEN", () => {
    const text = banner(stackWith({ devToken: "supplied-token-5e1f", devTokenGenerated: false }));
    expect(text).not.toContain("supplied-token-5e1f");
    expect(text).toContain("GATEWAY_DEV_TOKEN");
  });

  it("prints a generated dev token, which nobody would know otherwise", () => {
    const text = banner(stackWith({ devToken: "dev-generated-9a8b", devTokenGenerated: true }));
    expect(text).toContain("Dev bearer token (caller local-dev, every project): dev-generated-9a8b");
  });
});
