import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUndiciTransport, type HttpTransport } from "../../src/adapters/http/undiciTransport.js";
import { type SlackMessage, usageMessage } from "../../src/channels/slack/messages.js";
import { SlackResponseUrlReplies } from "../../src/channels/slack/SlackResponseUrlReplies.js";

/** The capability part of a response_url: it must never reach a log. */
const TOKEN_PATH = "/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN";
const MESSAGE: SlackMessage = { ...usageMessage("ünïcode <problem>"), replace_original: false };

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

const received: Received[] = [];
/** Status codes (and bodies) to answer, in order; 200 "ok" once exhausted. */
let script: Array<[number, string]> = [];

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    received.push({
      method: req.method ?? "",
      path: req.url ?? "",
      contentType: req.headers["content-type"],
      body: JSON.parse(text),
    });
    const [status, body] = script.shift() ?? [200, "ok"];
    res.writeHead(status, { "content-type": "text/plain" }).end(body);
  });
});
const undici = createUndiciTransport({ connectTimeoutMs: 1000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000 });
let transportCalls = 0;
/** The real transport, counted, so refusals can be shown to make no call at all. */
const transport: HttpTransport = (req) => {
  transportCalls++;
  return undici(req);
};
let base = "";
let closedPortBase = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free and is closed again: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPortBase = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await undici.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  script = [];
  transportCalls = 0;
});

function replies(allowedHosts?: readonly string[]) {
  const warnings: Array<{ msg: string; attrs?: object }> = [];
  const logger = { warn: (msg: string, attrs?: object) => warnings.push(attrs ? { msg, attrs } : { msg }) };
  const instance = new SlackResponseUrlReplies({
    transport,
    logger,
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
  });
  return { instance, warnings, logged: () => JSON.stringify(warnings) };
}

describe("SlackResponseUrlReplies against a local receiver", () => {
  it("POSTs the message as JSON to an allowed local URL", async () => {
    const { instance, warnings } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base}${TOKEN_PATH}`, MESSAGE)).toBe(true);
    expect(received).toEqual([
      { method: "POST", path: TOKEN_PATH, contentType: "application/json; charset=utf-8", body: MESSAGE },
    ]);
    expect(warnings).toEqual([]);
  });

  it("retries once on a 503", async () => {
    script = [[503, "busy"]];
    const { instance, warnings, logged } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base}${TOKEN_PATH}`, MESSAGE)).toBe(true);
    expect(received).toHaveLength(2);
    expect(received[1]?.body).toEqual(MESSAGE);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.attrs).toMatchObject({ host: "127.0.0.1", status: 503, attempt: 1, retry: true });
    expect(logged()).not.toContain(TOKEN_PATH);
  });

  it("gives up after the retry, returning false", async () => {
    script = [
      [502, "bad gateway"],
      [500, "oops"],
    ];
    const { instance, warnings, logged } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base}${TOKEN_PATH}`, MESSAGE)).toBe(false);
    expect(received).toHaveLength(2);
    expect(warnings).toHaveLength(2);
    expect(logged()).not.toContain("96rGlfm");
  });

  it("does not retry a 4xx, and logs Slack's error code", async () => {
    script = [[404, "expired_url"]];
    const { instance, warnings } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base}${TOKEN_PATH}`, MESSAGE)).toBe(false);
    expect(received).toHaveLength(1);
    expect(warnings[0]?.attrs).toMatchObject({ host: "127.0.0.1", status: 404, slackError: "expired_url" });
  });

  it("retries a network failure once, then returns false without throwing", async () => {
    const { instance, warnings, logged } = replies(["127.0.0.1"]);
    expect(await instance.post(`${closedPortBase}${TOKEN_PATH}`, MESSAGE)).toBe(false);
    expect(transportCalls).toBe(2);
    expect(warnings.map((w) => w.attrs)).toEqual([
      { host: "127.0.0.1", code: "ECONNREFUSED", attempt: 1, retry: true },
      { host: "127.0.0.1", code: "ECONNREFUSED", attempt: 2, retry: false },
    ]);
    expect(logged()).not.toContain(TOKEN_PATH);
  });
});

describe("SlackResponseUrlReplies allowlist", () => {
  it.each([
    ["the default list has no loopback host", undefined, () => `${base}${TOKEN_PATH}`],
    ["http to a non-loopback host", ["hooks.slack.com"], () => `http://hooks.slack.com${TOKEN_PATH}`],
    ["a host not on the list", ["hooks.slack.com"], () => `https://evil.example.com${TOKEN_PATH}`],
    ["a look-alike host", ["hooks.slack.com"], () => `https://hooks.slack.com.evil.example${TOKEN_PATH}`],
    ["a subdomain of an allowed host", ["hooks.slack.com"], () => `https://x.hooks.slack.com${TOKEN_PATH}`],
    ["credentials in the URL", ["hooks.slack.com"], () => `https://u:p@hooks.slack.com${TOKEN_PATH}`],
    ["another scheme", ["hooks.slack.com"], () => `ftp://hooks.slack.com${TOKEN_PATH}`],
    ["a loopback host not on the list", ["localhost"], () => `${base}${TOKEN_PATH}`],
    ["not a URL at all", ["hooks.slack.com"], () => `hooks.slack.com${TOKEN_PATH}`],
  ])("refuses %s without any network call", async (_label, allowedHosts, url) => {
    const { instance, warnings, logged } = replies(allowedHosts);
    expect(await instance.post(url(), MESSAGE)).toBe(false);
    expect(transportCalls).toBe(0);
    expect(received).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(logged()).not.toContain(TOKEN_PATH);
    expect(logged()).not.toContain("96rGlfm");
  });

  it("reaches localhost over http when it is listed", async () => {
    const { instance } = replies(["localhost", "hooks.slack.com"]);
    const url = `${base.replace("127.0.0.1", "localhost")}${TOKEN_PATH}`;
    // localhost may resolve to ::1 first; the receiver listens on 127.0.0.1 only, so either answer is fine
    // here: what matters is that the allowlist let the request go out.
    await instance.post(url, MESSAGE);
    expect(transportCalls).toBeGreaterThanOrEqual(1);
  });

  it("compares hosts case-insensitively", async () => {
    const { instance } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base.toUpperCase()}${TOKEN_PATH}`, MESSAGE)).toBe(true);
    expect(received).toHaveLength(1);
  });
});
