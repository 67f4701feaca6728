import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUndiciTransport, type TransportOptions } from "../../src/adapters/http/undiciTransport.js";

const hits = new Map<string, number>();
const requestsOnSocket = new WeakMap<Socket, number>();
const sockets = new Set<Socket>();

/** Routes by path; `nth` is the request's position on its socket, so a route can kill only reused sockets. */
function route(req: IncomingMessage, res: ServerResponse, nth: number): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  if (path === "/echo") {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      res.setHeader("X-Custom-Header", "Value");
      res.setHeader("X-Multi", ["a", "b"]);
      res.end(JSON.stringify({ method: req.method, url: req.url, header: req.headers["x-in"], body }));
    });
  } else if (path === "/reused-fin" && nth > 1) req.socket.destroy();
  else if (path === "/reused-rst" && nth > 1) req.socket.resetAndDestroy();
  else if (path === "/after-first" && (hits.get(path) ?? 0) > 1) req.socket.destroy();
  else if (path === "/always-die") req.socket.destroy();
  else if (path === "/stall-body") res.writeHead(200).write("partial");
  else if (path !== "/hang") res.end(`ok ${nth}`);
}

const server = createServer((req, res) => {
  const nth = (requestsOnSocket.get(req.socket) ?? 0) + 1;
  requestsOnSocket.set(req.socket, nth);
  route(req, res, nth);
});
server.on("connection", (socket) => sockets.add(socket));
let base = "";
const transports: { close(): Promise<void> }[] = [];

function transport(overrides: Partial<TransportOptions> = {}) {
  const t = createUndiciTransport({
    connectTimeoutMs: 1000,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    ...overrides,
  });
  transports.push(t);
  return t;
}
const get = (path: string, headers: Record<string, string> = {}) => ({
  method: "GET",
  url: base + path,
  headers,
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  hits.clear();
  sockets.clear();
});
afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createUndiciTransport", () => {
  it("sends method, headers and body; returns lower-case headers and the body text", async () => {
    const send = transport();
    const res = await send({
      method: "PATCH",
      url: `${base}/echo?a=1`,
      headers: { "X-In": "yes" },
      body: "héllo",
    });
    expect(res.status).toBe(200);
    expect(res.headers["x-custom-header"]).toBe("Value");
    expect(res.headers["x-multi"]).toBe("a, b");
    expect(Object.keys(res.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(JSON.parse(res.body)).toEqual({ method: "PATCH", url: "/echo?a=1", header: "yes", body: "héllo" });
  });

  it.each(["/reused-fin", "/reused-rst"])(
    "retries once when the server kills a reused socket (%s)",
    async (path) => {
      const send = transport({ connections: 1 });
      expect((await send(get(path))).body).toBe("ok 1");
      const second = await send(get(path));
      expect(second).toMatchObject({ status: 200, body: "ok 1" }); // answered on a new socket
      expect(hits.get(path)).toBe(3);
      expect(sockets.size).toBe(2);
    },
  );

  it("retries at most once", async () => {
    const send = transport({ connections: 1 });
    await send(get("/after-first"));
    await expect(send(get("/after-first"))).rejects.toMatchObject({
      name: "TransportError",
      retryable: true,
    });
    expect(hits.get("/after-first")).toBe(3);
  });

  it("does not retry when a fresh connection dies", async () => {
    const error = await transport()(get("/always-die")).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TransportError", networkCode: "UND_ERR_SOCKET", retryable: true });
    expect(hits.get("/always-die")).toBe(1);
  });

  it("turns a headers timeout into a retryable TransportError that names no header or query", async () => {
    const send = transport({ headersTimeoutMs: 200 });
    const error = await send(get("/hang?groupId=g1", { authorization: "Digest secret-value" })).catch(
      (e) => e,
    );
    expect(error).toMatchObject({
      name: "TransportError",
      networkCode: "UND_ERR_HEADERS_TIMEOUT",
      retryable: true,
    });
    expect(error.message).toBe(`GET ${base}/hang failed: UND_ERR_HEADERS_TIMEOUT`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("turns a body timeout into a retryable TransportError", async () => {
    const error = await transport({ bodyTimeoutMs: 200 })(get("/stall-body")).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "TransportError",
      networkCode: "UND_ERR_BODY_TIMEOUT",
      retryable: true,
    });
  });

  it("reports a refused connection and a caller's abort", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await transport()({ ...get("/"), url: `http://127.0.0.1:${port}/` }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ name: "TransportError", networkCode: "ECONNREFUSED", retryable: true });
    const aborted = await transport()({ ...get("/hang"), signal: AbortSignal.timeout(100) }).catch(
      (e: unknown) => e,
    );
    expect(aborted).toMatchObject({ name: "TransportError", networkCode: "ABORTED", retryable: false });
  });
});
