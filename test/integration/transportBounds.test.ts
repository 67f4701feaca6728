import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createUndiciTransport,
  ResponseTooLargeError,
  TransportError,
} from "../../src/adapters/http/undiciTransport.js";

const BIG_BYTES = 50 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "x");
const CAP = 65_536;

/** What the server saw of each response: bytes it managed to write, and whether its socket closed. */
interface Served {
  written: number;
  closed: boolean;
}
const served = new Map<string, Served>();
/** Each request in arrival order, with the socket it came on. */
const requests: Array<{ path: string; socket: Socket }> = [];

/** Streams `total` bytes, respecting backpressure, until done or the client goes away. */
function stream(res: ServerResponse, record: Served, total: number): void {
  const pump = () => {
    while (record.written < total && !res.destroyed) {
      record.written += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const record: Served = { written: 0, closed: false };
  served.set(path, record);
  req.socket.on("close", () => (record.closed = true));
  requests.push({ path, socket: req.socket });
  if (path === "/big") stream(res.writeHead(200), record, BIG_BYTES);
  else if (path === "/big-declared")
    stream(res.writeHead(200, { "content-length": BIG_BYTES }), record, BIG_BYTES);
  else if (path === "/big-error") stream(res.writeHead(503, { "retry-after": "7" }), record, BIG_BYTES);
  else if (path === "/exact") res.end(Buffer.alloc(CAP, "y"));
  else if (path === "/stall-body") res.writeHead(200).write("partial");
  else if (path !== "/hang") res.end("ok");
});

// Per-phase timeouts far above the bounds under test, so only `timeoutMs` can end a call.
const TIMEOUTS = { connectTimeoutMs: 10_000, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000 };
const transport = createUndiciTransport(TIMEOUTS);
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  served.clear();
  requests.length = 0;
});
afterAll(async () => {
  await transport.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (
  path: string,
  more: { maxResponseBytes?: number; timeoutMs?: number; signal?: AbortSignal },
) => ({
  method: "GET",
  url: `${base}${path}`,
  headers: {},
  ...more,
});

describe("maxResponseBytes", () => {
  it("stops reading a 50 MB streamed body past the cap, closes the socket, keeps memory bounded", async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const error = await transport(get("/big", { maxResponseBytes: CAP })).catch((e: unknown) => e);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ networkCode: "RESPONSE_TOO_LARGE", retryable: false, status: 200 });
    const { bytesRead } = error as ResponseTooLargeError;
    expect(bytesRead).toBeGreaterThan(CAP);
    expect(bytesRead).toBeLessThanOrEqual(CAP + 1024 * 1024); // the cap plus at most one chunk
    await vi.waitFor(() => expect(served.get("/big")?.closed).toBe(true));
    // What the server got out before the socket closed: socket buffers' worth, nowhere near the 50 MB.
    expect(served.get("/big")?.written).toBeLessThan(16 * 1024 * 1024);
    expect(rssGrowth).toBeLessThan(40 * 1024 * 1024);
  });

  it("refuses a body whose Content-Length is over the cap without reading it", async () => {
    const error = await transport(get("/big-declared", { maxResponseBytes: CAP })).catch((e: unknown) => e);
    expect(error).toMatchObject({ networkCode: "RESPONSE_TOO_LARGE", status: 200, bytesRead: 0 });
    expect((error as Error).message).toBe(
      `GET ${base}/big-declared answered 200 with a body over ${CAP} bytes`,
    );
    await vi.waitFor(() => expect(served.get("/big-declared")?.closed).toBe(true));
  });

  it("keeps the status and headers of an error answer that is too large", async () => {
    const error = await transport(get("/big-error", { maxResponseBytes: CAP })).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, headers: { "retry-after": "7" } });
  });

  it("does not reuse the socket of a body it stopped reading", async () => {
    // One socket per origin: a request after the refused body can only use that socket if it was pooled.
    const single = createUndiciTransport({ ...TIMEOUTS, connections: 1 });
    try {
      expect(await single(get("/ok", {}))).toMatchObject({ body: "ok" });
      await single(get("/big", { maxResponseBytes: CAP })).catch(() => undefined);
      expect(await single(get("/ok", {}))).toMatchObject({ body: "ok" });
    } finally {
      await single.close();
    }
    const [warm, big, after] = requests.map((r) => r.socket);
    expect(big).toBe(warm); // the pool does reuse sockets, so the next line means something
    expect(after).not.toBe(big);
    expect(big?.destroyed).toBe(true);
  });

  it("returns a body of exactly the cap, whole", async () => {
    const res = await transport(get("/exact", { maxResponseBytes: CAP }));
    expect(res.body).toHaveLength(CAP);
  });
});

describe("timeoutMs", () => {
  it("ends a call to a server that accepts and never answers: TIMEOUT, retryable, socket closed", async () => {
    const started = Date.now();
    const error = await transport(get("/hang", { timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ networkCode: "TIMEOUT", retryable: true });
    expect((error as Error).message).toBe(`GET ${base}/hang failed: TIMEOUT`);
    expect(Date.now() - started).toBeLessThan(5_000);
    await vi.waitFor(() => expect(served.get("/hang")?.closed).toBe(true));
  });

  it("bounds the body too, not only the headers", async () => {
    const error = await transport(get("/stall-body", { timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ networkCode: "TIMEOUT", retryable: true });
    await vi.waitFor(() => expect(served.get("/stall-body")?.closed).toBe(true));
  });

  it("still reports the caller's own abort as ABORTED, not retryable", async () => {
    const signal = AbortSignal.timeout(100);
    const error = await transport(get("/hang", { timeoutMs: 10_000, signal })).catch((e: unknown) => e);
    expect(error).toMatchObject({ networkCode: "ABORTED", retryable: false });
  });
});
