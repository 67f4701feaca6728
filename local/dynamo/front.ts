/**
 * An HTTP front for dynalite that adds the transactions it lacks. Every request is relayed to dynalite
 * byte for byte, except TransactWriteItems and TransactGetItems, which are emulated with single-item calls
 * (see transactWrite.ts). To keep a transaction all or nothing for other writers, the transactions and
 * every write dynalite does itself (PutItem, UpdateItem, DeleteItem, BatchWriteItem) take turns under one
 * lock per dynalite (its data is its own: fronts of different dynalites need not wait for each other).
 *
 * Limitation: reads (GetItem, Query, Scan, BatchGetItem) do not take the lock, so they are not isolated
 * from a transaction in progress: one may see some of its items written and the others not yet, or an
 * item written and then undone because a later write failed. DynamoDB never shows the latter, and its
 * GetItem never the former. A transaction cancelled by a condition writes nothing, so it shows nothing.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Mutex } from "./mutex.js";
import { transactGet } from "./transactItems.js";
import { transactWrite } from "./transactWrite.js";
import { type Answer, DynamoError, JSON_10, TARGET_PREFIX, Upstream } from "./upstream.js";

/** The writes dynalite does itself: serialised with the emulated transactions. */
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]);

/** A running front: its `endpoint` (`http://<host>:<port>`) and how to stop it. */
export interface DynamoFront {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts a front on `listen` (port 0: any free one) for the dynalite at `upstream`. */
export async function startDynamoFront(
  upstream: { host: string; port: number },
  listen: { host: string; port: number },
): Promise<DynamoFront> {
  const dynalite = new Upstream(upstream.host, upstream.port);
  const lock = new Mutex();
  const server = createServer((req, res) => {
    serve(dynalite, lock, req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent)
        send(res, errorAnswer(new DynamoError(500, { __type: "InternalFailure", message })));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    // Drop idle keep-alive sockets so close() does not wait for them to time out.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    dynalite.close();
  };
  return {
    endpoint: `http://${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:${port}`,
    close,
  };
}

async function serve(dynalite: Upstream, lock: Mutex, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const target = String(req.headers["x-amz-target"] ?? "");
  const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
  if (action === "TransactWriteItems" || action === "TransactGetItems") {
    const emulate = action === "TransactWriteItems" ? transactWrite : transactGet;
    const answer = await lock
      .run(async () => jsonAnswer(200, (await emulate(dynalite, inputOf(body), req)) ?? {}))
      .catch((error: unknown) => {
        if (error instanceof DynamoError) return errorAnswer(error);
        throw error;
      });
    return send(res, answer);
  }
  // The lock is held until dynalite has answered in full, so the write is done when it is released.
  const relay = () => dynalite.relay(req, body);
  send(res, await (WRITES.has(action) ? lock.run(relay) : relay()));
}

/** The request body as a JSON object; like DynamoDB, anything else is a SerializationException. */
function inputOf(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Refused below.
  }
  throw new DynamoError(400, { __type: "com.amazon.coral.service#SerializationException" });
}

function jsonAnswer(status: number, output: unknown): Answer {
  const body = Buffer.from(JSON.stringify(output));
  const rawHeaders = [
    "content-type",
    JSON_10,
    "content-length",
    String(body.length),
    "x-amzn-requestid",
    randomUUID(),
  ];
  return { status, rawHeaders, body };
}

function errorAnswer(error: DynamoError): Answer {
  return jsonAnswer(error.status, error.body);
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.rawHeaders);
  res.end(answer.body);
}
