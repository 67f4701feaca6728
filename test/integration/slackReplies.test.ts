import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
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
/** Status codes, bodies (and headers) to answer, in order; 200 "ok" once exhausted. */
let script: Array<[number, string, Record<string, string>?]> = [];
/** Whether the socket of the last request to each path has closed. */
const closed = new Map<string, boolean>();
const BIG = Buffer.alloc(4 * 1024 * 1024, "x");

const server = createServer((req, res) => {
  const path = req.url ?? "";
  closed.set(path, false);
  req.socket.on("close", () => closed.set(path, true));
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
    const [status, body, headers] = script.shift() ?? [200, "ok"];
    if (path.endsWith("/hang")) return;
    res.writeHead(status, { "content-type": "text/plain", ...headers });
    res.end(path.endsWith("/big") ? BIG : body);
  });
});
// Per-phase timeouts far above the replier's bound, so that only its timeoutMs can end an attempt.
const undici = createUndiciTransport({
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
});
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
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  script = [];
  transportCalls = 0;
  closed.clear();
});

const DELIVERED = { delivered: true, retryable: false, lastOutcome: "200" };
const REFUSED = { delivered: false, retryable: false, lastOutcome: "URL_NOT_ALLOWED" };

function replies(allowedHosts?: readonly string[], timeoutMs?: number) {
  const warnings: Array<{ msg: string; attrs?: object }> = [];
  const logger = { warn: (msg: string, attrs?: object) => warnings.push(attrs ? { msg, attrs } : { msg }) };
  const instance = new SlackResponseUrlReplies({
    transport,
    logger,
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return { instance, warnings, logged: () => JSON.stringify(warnings) };
}

describe("SlackResponseUrlReplies against a local receiver: one attempt per call", () => {
  it("POSTs the message as JSON to an allowed local URL", async () => {
    const { instance, warnings } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base}${TOKEN_PATH}`, MESSAGE)).toEqual(DELIVERED);
    expect(received).toEqual([
      { method: "POST", path: TOKEN_PATH, contentType: "application/json; charset=utf-8", body: MESSAGE },
    ]);
    expect(warnings).toEqual([]);
  });

  it("makes one attempt on a 503 and says a later one may pass, with Slack's Retry-After", async () => {
    script = [[503, "busy", { "retry-after": "3" }]];
    const { instance, warnings, logged } = replies(["127.0.0.1"]);
    const result = await instance.post(`${base}${TOKEN_PATH}`, MESSAGE);
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "503", retryAfterMs: 3_000 });
    expect(received).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.attrs).toMatchObject({ host: "127.0.0.1", status: 503, retryable: true });
    expect(logged()).not.toContain(TOKEN_PATH);
  });

  it.each([429, 500, 502, 504])("answers %i once, retryable", async (status) => {
    script = [[status, "oops"]];
    const { instance, logged } = replies(["127.0.0.1"]);
    const result = await instance.post(`${base}${TOKEN_PATH}`, MESSAGE);
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: String(status) });
    expect(received).toHaveLength(1);
    expect(logged()).not.toContain("96rGlfm");
  });

  it.each([
    [404, "expired_url"],
    [404, "no_active_hooks"],
    [410, "used_url"],
    [400, "no_text"],
    [403, "action_prohibited"],
  ])("takes %i %s as final, and logs Slack's error code", async (status, code) => {
    script = [[status, code]];
    const { instance, warnings } = replies(["127.0.0.1"]);
    const result = await instance.post(`${base}${TOKEN_PATH}`, MESSAGE);
    expect(result).toEqual({ delivered: false, retryable: false, lastOutcome: String(status) });
    expect(received).toHaveLength(1);
    expect(warnings[0]?.attrs).toMatchObject({
      host: "127.0.0.1",
      status,
      retryable: false,
      slackError: code,
    });
  });

  it("reports a network failure as retryable after one try, without throwing", async () => {
    const { instance, warnings, logged } = replies(["127.0.0.1"]);
    const result = await instance.post(`${closedPortBase}${TOKEN_PATH}`, MESSAGE);
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "ECONNREFUSED" });
    expect(transportCalls).toBe(1);
    expect(warnings.map((w) => w.attrs)).toEqual([
      { host: "127.0.0.1", code: "ECONNREFUSED", retryable: true },
    ]);
    expect(logged()).not.toContain(TOKEN_PATH);
  });

  it("gives up on a response_url that never answers after timeoutMs, and closes the socket", async () => {
    const { instance, logged } = replies(["127.0.0.1"], 300);
    const started = Date.now();
    const result = await instance.post(`${base}${TOKEN_PATH}/hang`, MESSAGE);
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5_000);
    await vi.waitFor(() => expect(closed.get(`${TOKEN_PATH}/hang`)).toBe(true));
    expect(logged()).not.toContain(TOKEN_PATH);
  });

  it("sends nothing for a message that cannot be serialised", async () => {
    const { instance } = replies(["127.0.0.1"]);
    const message = { ...MESSAGE, text: 1n } as unknown as SlackMessage;
    const result = await instance.post(`${base}${TOKEN_PATH}`, message);
    expect(result).toEqual({ delivered: false, retryable: false, lastOutcome: "INVALID_MESSAGE" });
    expect(transportCalls).toBe(0);
  });

  it("counts a 2xx with a body over the cap as delivered", async () => {
    const { instance } = replies(["127.0.0.1"]);
    expect(await instance.post(`${base}${TOKEN_PATH}/big`, MESSAGE)).toEqual(DELIVERED);
    await vi.waitFor(() => expect(closed.get(`${TOKEN_PATH}/big`)).toBe(true));
  });

  it("judges a too-large error answer by its status, without a Slack error code", async () => {
    script = [[500, "unused"]];
    const { instance, warnings } = replies(["127.0.0.1"]);
    const result = await instance.post(`${base}${TOKEN_PATH}/big`, MESSAGE);
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "500" });
    expect(warnings[0]?.attrs).toMatchObject({ status: 500, slackError: undefined });
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
    expect(await instance.post(url(), MESSAGE)).toEqual(REFUSED);
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
    expect(await instance.post(`${base.toUpperCase()}${TOKEN_PATH}`, MESSAGE)).toEqual(DELIVERED);
    expect(received).toHaveLength(1);
  });
});
