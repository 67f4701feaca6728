import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { createDocumentClient } from "../src/adapters/aws/dynamodb/table.js";
import { startDynamoFront } from "./dynamo/front.js";

/** A running dynalite (DynamoDB emulator) and clients pointed at it. */
export interface LocalDynamo {
  /** `http://<host>:<port>`: the front that adds transactions to dynalite (local/dynamo/front.ts). */
  endpoint: string;
  client: DynamoDBClient;
  /** A document client made like production's (`createDocumentClient`). */
  doc: DynamoDBDocumentClient;
  /** Destroys the clients and stops the front and dynalite. */
  close(): Promise<void>;
}

/** Where dynalite keeps its data (`path`: a LevelDB directory; in memory when absent) and where it listens. */
export interface LocalDynamoOptions {
  path?: string;
  /** Of the endpoint. Default 127.0.0.1: the emulator has no auth, so it never listens beyond loopback unless asked. */
  host?: string;
  /** Of the endpoint. Default 0: any free port. */
  port?: number;
}

/**
 * Starts dynalite in this process, on 127.0.0.1 and a free port, and in front of it the endpoint: a relay
 * that also answers TransactWriteItems and TransactGetItems, which dynalite lacks (the production store
 * writes with transactions). Tables become ACTIVE at once (`createTableMs: 0`), so tests and the local
 * stack need not wait. The client has dummy credentials: dynalite checks their presence, not their value.
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const stopDynalite = async () => {
    // Drop idle keep-alive sockets so close() does not wait for them to time out.
    server.closeAllConnections?.();
    await new Promise<void>((resolve, reject) =>
      server.close((error?: Error) => (error ? reject(error) : resolve())),
    );
  };
  const front = await startDynamoFront(
    { host: "127.0.0.1", port },
    { host: options.host ?? "127.0.0.1", port: options.port ?? 0 },
  ).catch(async (error: unknown) => {
    await stopDynalite();
    throw error;
  });
  const client = new DynamoDBClient({
    endpoint: front.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const doc = createDocumentClient(client);
  const close = async () => {
    client.destroy();
    await front.close();
    await stopDynalite();
  };
  return { endpoint: front.endpoint, client, doc, close };
}
