import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Socket } from "node:net";

/** The callback hosts of §6.3, both on 127.0.0.1 (the bench-callbacks caller's allowlist). */

/** A 127.0.0.1 host that accepts connections, reads what it is sent, and never answers. */
export interface HangingHost {
  url: string;
  /** Connections accepted so far (each delivery attempt opens one). */
  connections(): number;
  close(): Promise<void>;
}

export async function startHangingHost(): Promise<HangingHost> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 host that answers every request 200 with a body of `bytes` bytes, streamed as fast as it is read. */
export async function startStreamingHost(bytes: number) {
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let requests = 0;
  let sent = 0;
  const server = createHttpServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests: () => requests,
    sentBytes: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type StreamingHost = Awaited<ReturnType<typeof startStreamingHost>>;
