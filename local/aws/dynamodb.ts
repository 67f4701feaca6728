import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type ProvisionedThroughput,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { startLocalDynamo } from "../dynalite.js";
import {
  type AwsCall,
  AwsError,
  type EmulatorHandle,
  type EmulatorOptions,
  listen,
  principalOf,
  readBody,
  scopeOf,
  sendAwsError,
} from "./calls.js";

/** Options of {@link startDynamoDbEmulator}: `path` keeps dynalite's data in that LevelDB directory. */
export interface DynamoDbEmulatorOptions extends EmulatorOptions {
  path?: string;
}

/** A running dynalite behind a recording proxy. */
export interface DynamoDbEmulator extends EmulatorHandle {
  /** The next `n` requests are answered with this error, without reaching dynalite. */
  failNext(n: number, errorType?: string, status?: number): void;
}

const JSON_10 = "application/x-amz-json-1.0";

function principal(req: IncomingMessage): { principal?: string } {
  const id = principalOf(req);
  return id ? { principal: id } : {};
}
const TARGET_PREFIX = "DynamoDB_20120810.";

/**
 * Starts dynalite on an internal 127.0.0.1 port and, in front of it (the returned `url`), a proxy that
 * forwards every request unchanged and records it as IAM would see it.
 */
export async function startDynamoDbEmulator(
  options: DynamoDbEmulatorOptions = {},
): Promise<DynamoDbEmulator> {
  const dynamo = await startLocalDynamo(options.path === undefined ? {} : { path: options.path });
  const { region, accountId } = scopeOf(options);
  const tablePrefix = `arn:aws:dynamodb:${region}:${accountId}:table/`;
  const calls: AwsCall[] = [];
  const failures: AwsError[] = [];
  // Our own agent: its idle sockets to dynalite end with close(), not with the process.
  const agent = new Agent({ keepAlive: true });
  const upstream = new URL(dynamo.endpoint);
  const proxy = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const input = parseOrUndefined(body);
    for (const resource of resourcesOf(input, tablePrefix)) {
      calls.push({ service: "dynamodb", action, resource, at: Date.now(), input, ...principal(req) });
    }
    const failure = failures.shift();
    if (failure) return sendAwsError(res, failure, JSON_10);
    forward(req, body, res, { host: upstream.hostname, port: Number(upstream.port), agent });
  };
  const server = await listen(
    createServer((req, res) => {
      proxy(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendAwsError(res, new AwsError("InternalFailure", String(error), 500), JSON_10);
      });
    }),
    options,
  );
  return {
    url: server.url,
    calls,
    failNext: (n, errorType = "InternalServerError", status = 500) => {
      // DynamoDB qualifies its error types; the SDK keeps the part after '#'.
      const type = `com.amazonaws.dynamodb.v20120810#${errorType}`;
      for (let i = 0; i < n; i += 1)
        failures.push(new AwsError(type, `${errorType} (set by the emulator).`, status));
    },
    close: async () => {
      await server.close();
      agent.destroy();
      await dynamo.close();
    },
  };
}

/** Sends the request to dynalite byte for byte (same method, path, headers and body) and relays its answer. */
function forward(
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  to: { host: string; port: number; agent: Agent },
): void {
  const outgoing = request(
    { ...to, method: req.method, path: req.url, headers: req.rawHeaders },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  outgoing.on("error", (error) => {
    if (!res.headersSent) sendAwsError(res, new AwsError("InternalFailure", error.message, 502), JSON_10);
    else res.destroy(error);
  });
  outgoing.end(body);
}

function parseOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The ARNs IAM evaluates: each table named (TableName, the keys of RequestItems, the tables of TransactItems),
 * the index ARN when the request names an IndexName (Query, Scan), and `*` for table-less calls (ListTables).
 */
export function resourcesOf(input: unknown, tablePrefix: string): string[] {
  if (input === null || typeof input !== "object") return ["*"];
  const body = input as Record<string, unknown>;
  const tables = new Set<string>();
  if (typeof body.TableName === "string") tables.add(body.TableName);
  if (body.RequestItems !== null && typeof body.RequestItems === "object") {
    for (const table of Object.keys(body.RequestItems)) tables.add(table);
  }
  for (const item of Array.isArray(body.TransactItems) ? body.TransactItems : []) {
    for (const operation of Object.values(item as Record<string, { TableName?: unknown }>)) {
      if (typeof operation?.TableName === "string") tables.add(operation.TableName);
    }
  }
  if (tables.size === 0) return ["*"];
  return [...tables].map((table) => {
    const arn = table.startsWith("arn:") ? table : `${tablePrefix}${table}`;
    const index = table === body.TableName && typeof body.IndexName === "string" ? body.IndexName : undefined;
    return index === undefined ? arn : `${arn}/index/${index}`;
  });
}

/**
 * Creates the table an `AWS::DynamoDB::Table` resource describes, then waits until it is ACTIVE. TTL,
 * point-in-time recovery, SSE, streams and tags are left out: dynalite has none of them, and none changes
 * what the gateway reads or writes. A table that exists already is waited for, not an error.
 */
export async function createTableFromTemplate(
  endpoint: string,
  resource: { Properties: Record<string, unknown> },
): Promise<string> {
  const input = tableInputOf(resource.Properties);
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  const client = new DynamoDBClient({ endpoint, region: "eu-west-1", credentials });
  try {
    await client.send(new CreateTableCommand(input)).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
    });
    const wait = { client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 };
    await waitUntilTableExists(wait, { TableName: input.TableName });
    return String(input.TableName);
  } finally {
    client.destroy();
  }
}

/**
 * The CreateTable input of a template's table properties. Only CreateTable's own fields are copied (a
 * template index may also hold ContributorInsightsSpecification and the like); their values go unchecked,
 * as CreateTable validates them.
 */
function tableInputOf(properties: Record<string, unknown>): CreateTableCommandInput {
  const { TableName, BillingMode } = properties;
  if (typeof TableName !== "string") throw new Error("The table resource has no TableName string.");
  const onDemand = BillingMode === "PAY_PER_REQUEST";
  // On demand, CreateTable refuses any throughput, the indexes' included.
  const throughput = (from: { ProvisionedThroughput?: ProvisionedThroughput | undefined }) =>
    onDemand || from.ProvisionedThroughput === undefined
      ? {}
      : { ProvisionedThroughput: from.ProvisionedThroughput };
  const globals = properties.GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined;
  const locals = properties.LocalSecondaryIndexes as LocalSecondaryIndex[] | undefined;
  return {
    TableName,
    AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: properties.KeySchema as KeySchemaElement[],
    BillingMode: onDemand ? "PAY_PER_REQUEST" : "PROVISIONED",
    ...throughput(properties),
    ...(globals === undefined
      ? {}
      : {
          GlobalSecondaryIndexes: globals.map(({ IndexName, KeySchema, Projection, ...rest }) => ({
            IndexName,
            KeySchema,
            Projection,
            ...throughput(rest),
          })),
        }),
    ...(locals === undefined
      ? {}
      : {
          LocalSecondaryIndexes: locals.map(({ IndexName, KeySchema, Projection }) => ({
            IndexName,
            KeySchema,
            Projection,
          })),
        }),
  };
}
