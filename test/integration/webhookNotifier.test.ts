import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
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
/** Answers to give, in order; 200 once exhausted. */
let script: Array<{ status: number; headers?: Record<string, string> }> = [];
/** Whether the socket of each request to a path has closed. */
const closed = new Map<string, boolean>();

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

const CHUNK = Buffer.alloc(64 * 1024, "x");

/** `/hang` never answers; `/big` answers with 20 MB of body; anything else answers from the script. */
function answer(path: string, res: ServerResponse): void {
  const { status, headers } = script.shift() ?? { status: 200 };
  if (path === "/hang") return;
  res.writeHead(status, { "content-type": "text/plain", ...headers });
  if (path !== "/big") return void res.end("answer");
  let left = 320;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      left--;
      if (!res.write(CHUNK)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const server = createServer((req, res) => {
  const path = req.url ?? "";
  closed.set(path, false);
  req.socket.on("close", () => closed.set(path, true));
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const headers = headersOf(req);
    const { verified, body } = verify(Buffer.concat(chunks).toString("utf8"), headers);
    received.push({ path, headers, body, verified });
    answer(path, res);
  });
});
// Per-phase timeouts far above the notifier's bound, so that only its timeoutMs can end an attempt.
const transport = createUndiciTransport({
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
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
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  script = [];
  closed.clear();
});

const NOW = Date.parse("2025-06-01T12:00:00Z");

function notifier(options: { now?: () => number; timeoutMs?: number } = {}) {
  return new StandardWebhooksNotifier({ transport, ...options });
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

describe("StandardWebhooksNotifier against a real receiver: one attempt per call", () => {
  it("delivers a signed JSON POST on a 2xx", async () => {
    const d = delivery(`${base}/hook`);
    const result = await notifier().deliver(d);
    expect(result).toEqual({ delivered: true, retryable: false, lastOutcome: "200" });
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

  it("makes one attempt on a 503 and says a later one may pass, with the receiver's Retry-After", async () => {
    script = [{ status: 503, headers: { "retry-after": "120" } }];
    const result = await notifier().deliver(delivery(`${base}/hook`));
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "503", retryAfterMs: 120_000 });
    expect(received).toHaveLength(1);
    expectNoSecret(result);
  });

  it("reads a Retry-After date on a 429 against its clock", async () => {
    script = [{ status: 429, headers: { "retry-after": new Date(NOW + 30_000).toUTCString() } }];
    const result = await notifier({ now: () => NOW }).deliver(delivery(`${base}/hook`));
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "429", retryAfterMs: 30_000 });
  });

  it.each([408, 429, 500, 502, 504])("answers %i once, retryable", async (status) => {
    script = [{ status, headers: { "retry-after": "5" } }];
    const result = await notifier().deliver(delivery(`${base}/hook`));
    expect(result).toMatchObject({ delivered: false, retryable: true, lastOutcome: String(status) });
    // Retry-After only counts where it means "come back later": 429 and 503.
    expect("retryAfterMs" in result).toBe(status === 429);
    expect(received).toHaveLength(1);
  });

  it.each([400, 401, 403, 404, 410, 422])("takes %i as the receiver's final word", async (status) => {
    script = [{ status }];
    const result = await notifier().deliver(delivery(`${base}/hook`));
    expect(result).toEqual({ delivered: false, retryable: false, lastOutcome: String(status) });
    expect(received).toHaveLength(1);
    expectNoSecret(result);
  });

  it("signs each call afresh under the same webhook-id, so the caller's later attempt is accepted", async () => {
    let now = NOW;
    const instance = notifier({ now: () => now });
    const d = delivery(`${base}/hook`);
    script = [{ status: 503 }];
    await instance.deliver(d);
    now += 60_000;
    await instance.deliver(d);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([d.messageId, d.messageId]);
    const stamps = received.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(stamps).toEqual([NOW / 1000, NOW / 1000 + 60]);
    expect(received[0]?.headers["webhook-signature"]).not.toBe(received[1]?.headers["webhook-signature"]);
  });

  it("reports a refused connection as retryable, after one try", async () => {
    const result = await notifier().deliver(delivery(closedPortUrl));
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "ECONNREFUSED" });
    expectNoSecret(result);
  });

  it("gives up on a receiver that never answers after timeoutMs, and closes the socket", async () => {
    const started = Date.now();
    const result = await notifier({ timeoutMs: 300 }).deliver(delivery(`${base}/hang`));
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(received).toHaveLength(1);
    await vi.waitFor(() => expect(closed.get("/hang")).toBe(true));
  });

  it("lets a delivery set its own, shorter bound", async () => {
    const result = await notifier().deliver({ ...delivery(`${base}/hang`), timeoutMs: 200 });
    expect(result).toMatchObject({ lastOutcome: "TIMEOUT", retryable: true });
  });

  it("reports the caller's abort as ABORTED, retryable: the receiver never answered", async () => {
    const signal = AbortSignal.timeout(100);
    const result = await notifier().deliver({ ...delivery(`${base}/hang`), signal });
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "ABORTED" });
  });

  it("counts a 2xx with a body over the cap as delivered, without reading the body", async () => {
    const result = await notifier().deliver(delivery(`${base}/big`));
    expect(result).toEqual({ delivered: true, retryable: false, lastOutcome: "200" });
    await vi.waitFor(() => expect(closed.get("/big")).toBe(true));
  });

  it("judges a too-large error answer by its status", async () => {
    script = [{ status: 503, headers: { "retry-after": "9" } }];
    const result = await notifier().deliver(delivery(`${base}/big`));
    expect(result).toEqual({ delivered: false, retryable: true, lastOutcome: "503", retryAfterMs: 9_000 });
  });

  it("makes no attempt with a secret that is not a Standard Webhooks key, without echoing it", async () => {
    const result = await notifier().deliver({ ...delivery(`${base}/hook`), secret: "whsec_%%not-base64%%" });
    expect(result).toEqual({ delivered: false, retryable: false, lastOutcome: "INVALID_SECRET" });
    expect(JSON.stringify(result)).not.toContain("not-base64");
    expect(received).toEqual([]);
  });

  it("makes no attempt with a payload that cannot be serialised", async () => {
    const payload: Record<string, unknown> = {};
    payload.self = payload;
    const result = await notifier().deliver({ ...delivery(`${base}/hook`), payload });
    expect(result).toEqual({ delivered: false, retryable: false, lastOutcome: "INVALID_PAYLOAD" });
    expect(received).toEqual([]);
  });
});
