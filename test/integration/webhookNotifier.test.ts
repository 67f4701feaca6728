import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUndiciTransport } from "../../src/adapters/http/undiciTransport.js";
import { StandardWebhooksNotifier } from "../../src/adapters/webhooks/StandardWebhooksNotifier.js";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const PAYLOAD = { id: "0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f", state: "SUCCEEDED", note: "ünïcode ✓" };

/** What the receiver saw of one delivery attempt. */
interface Received {
  path: string;
  headers: Record<string, string>;
  body: unknown;
  verified: boolean;
}

const received: Received[] = [];
/** Status codes to answer, in order; 200 once exhausted. */
let script: number[] = [];

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === "string") headers[name] = value;
  return headers;
}

/** Verifies each delivery as a Standard Webhooks receiver would, on the raw bytes. */
function verify(raw: string, headers: Record<string, string>): { verified: boolean; body: unknown } {
  try {
    return { verified: true, body: new Webhook(SECRET).verify(raw, headers) };
  } catch {
    return { verified: false, body: undefined };
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const headers = headersOf(req);
    const { verified, body } = verify(Buffer.concat(chunks).toString("utf8"), headers);
    received.push({ path: req.url ?? "", headers, body, verified });
    res.writeHead(script.shift() ?? 200, { "content-type": "text/plain" }).end("answer");
  });
});
const transport = createUndiciTransport({
  connectTimeoutMs: 1000,
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
});
let base = "";
let closedPortUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free and is closed again: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/hook`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await transport.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  script = [];
});

/** A notifier whose sleeps return at once but move its clock on, so each attempt gets a later timestamp. */
function notifier(maxAttempts = 4) {
  const sleeps: number[] = [];
  let offsetMs = 0;
  const instance = new StandardWebhooksNotifier({
    transport,
    maxAttempts,
    baseDelayMs: 500,
    random: () => 0.999,
    now: () => Date.now() + offsetMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      offsetMs += ms + 2_000;
    },
  });
  return { instance, sleeps };
}

function delivery(url: string) {
  return { url, secret: SECRET, messageId: `msg_${randomUUID()}`, payload: PAYLOAD };
}

function expectNoSecret(result: unknown): void {
  const text = JSON.stringify(result);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(SECRET.slice("whsec_".length));
  for (const r of received) expect(text).not.toContain(r.headers["webhook-signature"]?.slice(3));
}

describe("StandardWebhooksNotifier against a real receiver", () => {
  it("delivers a signed JSON POST on the first 2xx", async () => {
    const { instance, sleeps } = notifier();
    const d = delivery(`${base}/hook`);
    const result = await instance.deliver(d);
    expect(result).toEqual({ delivered: true, attempts: 1, lastOutcome: "200" });
    expect(sleeps).toEqual([]);
    expect(received).toHaveLength(1);
    const [only] = received;
    expect(only?.verified).toBe(true);
    expect(only?.body).toEqual(PAYLOAD);
    expect(only?.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "atlas-peering-gateway",
      "webhook-id": d.messageId,
    });
    expect(only?.headers["webhook-timestamp"]).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(only?.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expectNoSecret(result);
  });

  it("retries a 503, then delivers: same webhook-id, a fresh valid signature each time", async () => {
    script = [503, 200];
    const { instance, sleeps } = notifier();
    const d = delivery(`${base}/hook`);
    const result = await instance.deliver(d);
    expect(result).toEqual({ delivered: true, attempts: 2, lastOutcome: "200" });
    expect(received.map((r) => r.verified)).toEqual([true, true]);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([d.messageId, d.messageId]);
    const [first, second] = received.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(second).toBeGreaterThan(first ?? Number.POSITIVE_INFINITY);
    expect(received[0]?.headers["webhook-signature"]).not.toBe(received[1]?.headers["webhook-signature"]);
    expect(sleeps).toEqual([499]);
    expectNoSecret(result);
  });

  it("retries 429 and 5xx with a doubling backoff until maxAttempts, then gives up", async () => {
    script = [429, 500, 502, 504];
    const { instance, sleeps } = notifier();
    const result = await instance.deliver(delivery(`${base}/hook`));
    expect(result).toEqual({ delivered: false, attempts: 4, lastOutcome: "504" });
    expect(received).toHaveLength(4);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(sleeps).toEqual([499, 999, 1998]);
  });

  it("does not retry a 400", async () => {
    script = [400];
    const { instance, sleeps } = notifier();
    const result = await instance.deliver(delivery(`${base}/hook`));
    expect(result).toEqual({ delivered: false, attempts: 1, lastOutcome: "400" });
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expectNoSecret(result);
  });

  it("retries a refused connection, then gives up with the network error code", async () => {
    const { instance, sleeps } = notifier(3);
    const result = await instance.deliver(delivery(closedPortUrl));
    expect(result).toEqual({ delivered: false, attempts: 3, lastOutcome: "ECONNREFUSED" });
    expect(sleeps).toHaveLength(2);
    expectNoSecret(result);
  });

  it("makes no attempt with a secret that is not a Standard Webhooks key, without echoing it", async () => {
    const { instance } = notifier();
    const result = await instance.deliver({ ...delivery(`${base}/hook`), secret: "whsec_%%not-base64%%" });
    expect(result).toEqual({ delivered: false, attempts: 0, lastOutcome: "INVALID_SECRET" });
    expect(JSON.stringify(result)).not.toContain("not-base64");
    expect(received).toEqual([]);
  });
});
