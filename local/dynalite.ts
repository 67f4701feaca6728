import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { createDocumentClient } from "../src/adapters/aws/dynamodb/table.js";

/** A running dynalite (DynamoDB emulator) and clients pointed at it. */
export interface LocalDynamo {
  /** `http://<host>:<port>` */
  endpoint: string;
  client: DynamoDBClient;
  /** A document client made like production's (`createDocumentClient`). */
  doc: DynamoDBDocumentClient;
  /** Destroys the clients and stops the server. */
  close(): Promise<void>;
}

/** Where dynalite keeps its data (`path`: a LevelDB directory; in memory when absent) and where it listens. */
export interface LocalDynamoOptions {
  path?: string;
  /** Default 127.0.0.1: the emulator has no auth, so it never listens beyond loopback unless asked. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

/**
 * Starts dynalite in this process. Tables become ACTIVE at once (`createTableMs: 0`), so tests and the local
 * stack need not wait. The client has dummy credentials: dynalite checks their presence, not their value.
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const host = options.host ?? "127.0.0.1";
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const doc = createDocumentClient(client);
  const close = async () => {
    client.destroy();
    // Drop idle keep-alive sockets so close() does not wait for them to time out.
    server.closeAllConnections?.();
    await new Promise<void>((resolve, reject) =>
      server.close((error?: Error) => (error ? reject(error) : resolve())),
    );
  };
  return { endpoint, client, doc, close };
}
