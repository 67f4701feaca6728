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
  const demo = {
    groupId: "5f1e2d3c4b5a69788796a5b4",
    peers: {
      aws: { peerId: "6a0000000000000000000001", containerId: "6b0000000000000000000001" },
      gcp: { peerId: "6a0000000000000000000002", containerId: "6b0000000000000000000002" },
    },
  };
  return {
    gatewayUrl: "http://127.0.0.1:3000",
    slackSigningSecret: "slack-secret",
    cloud,
    simulator: { url: "http://127.0.0.1:3001", demo, autoAccept: true },
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

describe("the banner's Try it and Follow changes", () => {
  const generated = () => banner(stackWith({ devToken: "dev-generated-9a8b", devTokenGenerated: true }));

  it("shows the status and headers of the Try it PATCH, where the change id and Location are", () => {
    const curl = generated()
      .split("\n")
      .find((line) => line.startsWith("curl "));
    expect(curl).toMatch(/^curl -sS -i -X PATCH 'http:\/\/127\.0\.0\.1:3000\/api\/atlas\/v2\/groups\//);
    expect(generated()).toContain("x-change-request-id");
  });

  it("prints a ready export of GATEWAY_URL and the generated GATEWAY_TOKEN, and the CLI commands to follow a change", () => {
    const lines = generated().split("\n");
    expect(lines).toContain("  export GATEWAY_URL=http://127.0.0.1:3000 GATEWAY_TOKEN=dev-generated-9a8b");
    expect(lines.some((line) => line.startsWith("  npm run cli -- watch <id>"))).toBe(true);
    expect(lines).toContain("  npm run cli -- list --group 5f1e2d3c4b5a69788796a5b4");
  });

  it("exports a supplied token by its variable, never its value", () => {
    const text = banner(stackWith({ devToken: "supplied-token-5e1f", devTokenGenerated: false }));
    expect(text.split("\n")).toContain(
      '  export GATEWAY_URL=http://127.0.0.1:3000 GATEWAY_TOKEN="$GATEWAY_DEV_TOKEN"',
    );
    expect(text).not.toContain("supplied-token-5e1f");
  });

  it("says where the captured Slack replies are read", () => {
    expect(generated()).toContain(
      "replies to a https://hooks.slack.com/… response_url are captured: GET http://127.0.0.1:3000/__local/slack",
    );
  });
});
