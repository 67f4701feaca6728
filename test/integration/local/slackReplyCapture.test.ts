import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackReplyCatcher, startSlackReplyCatcher } from "../../../local/slackReplies.js";
import { createUndiciTransport } from "../../../src/adapters/http/undiciTransport.js";
import type { SlackMessage } from "../../../src/channels/slack/messages.js";
import { SlackResponseUrlReplies } from "../../../src/channels/slack/SlackResponseUrlReplies.js";
import type { HttpRequest, HttpTransport } from "../../../src/ports/HttpTransport.js";

const transport = createUndiciTransport({
  connectTimeoutMs: 1_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
});
let catcher: SlackReplyCatcher;

beforeAll(async () => {
  catcher = await startSlackReplyCatcher();
});
afterAll(async () => {
  await catcher.close();
  await transport.close();
});

const message: SlackMessage = { response_type: "ephemeral", text: "Change c-1 SUCCEEDED", blocks: [] };

describe("SLACK_RESPONSE_BASE_URL: a hooks.slack.com response_url sent to the local capture", () => {
  it("posts a https://hooks.slack.com/<path> reply to <base>/<path>, where it is recorded as JSON", async () => {
    const replies = new SlackResponseUrlReplies({ transport, redirectBaseUrl: `${catcher.url}/` });
    const result = await replies.post("https://hooks.slack.com/commands/T0LOCAL00/77/capture-me", message);
    expect(result).toMatchObject({ delivered: true, lastOutcome: "200" });
    expect(catcher.replies.at(-1)).toEqual({
      method: "POST",
      path: "/commands/T0LOCAL00/77/capture-me",
      body: message,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("still checks the URL Slack sent against the allowlist: another host or plain http is refused, not redirected", async () => {
    const replies = new SlackResponseUrlReplies({ transport, redirectBaseUrl: catcher.url });
    const before = catcher.replies.length;
    for (const url of [
      "https://evil.example/commands/T0LOCAL00/1/x",
      "http://hooks.slack.com/commands/T0LOCAL00/1/x",
    ]) {
      expect(await replies.post(url, message)).toMatchObject({
        delivered: false,
        lastOutcome: "URL_NOT_ALLOWED",
      });
    }
    expect(catcher.replies.length).toBe(before);
  });

  it("leaves an allowed URL of another host where it points (a loopback receiver)", async () => {
    const replies = new SlackResponseUrlReplies({
      transport,
      allowedHosts: ["hooks.slack.com", "127.0.0.1"],
      redirectBaseUrl: "http://127.0.0.1:9",
    });
    expect(await replies.post(`${catcher.url}/direct/1`, message)).toMatchObject({ delivered: true });
    expect(catcher.replies.at(-1)?.path).toBe("/direct/1");
  });

  it("posts to hooks.slack.com itself when unset (the production default)", async () => {
    const sent: HttpRequest[] = [];
    const slack: HttpTransport = async (req) => {
      sent.push(req);
      return { status: 200, headers: {}, body: "ok" };
    };
    await new SlackResponseUrlReplies({ transport: slack }).post(
      "https://hooks.slack.com/commands/T1/2/x",
      message,
    );
    expect(sent.map((r) => r.url)).toEqual(["https://hooks.slack.com/commands/T1/2/x"]);
  });
});
