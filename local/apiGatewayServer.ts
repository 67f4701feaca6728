import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { HttpResult } from "../src/channels/common/response.js";

/** The shape of an HTTP API Lambda handler, as `handlers/http.ts` builds it. */
export type HttpLambda = (
  event: APIGatewayProxyEventV2,
  context: { getRemainingTimeInMillis(): number },
) => Promise<HttpResult>;

/** API Gateway's integration timeout: the most time a request can have. */
const INTEGRATION_TIMEOUT_MS = 29_000;
/** API Gateway passes these through as text; anything else arrives base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|xml|x-www-form-urlencoded|javascript))/i;

/**
 * Serves a Lambda handler over plain HTTP on 127.0.0.1 the way API Gateway HTTP API (payload v2) would call
 * it, so the local stack runs the very same handler code as AWS.
 */
export async function startApiGatewayServer(
  handler: HttpLambda,
  options: ApiGatewayServerOptions = {},
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const onCrash = options.onCrash ?? ((error) => console.error("local api gateway: handler crashed", error));
  const server = createServer((req, res) => {
    serve(handler, req, res, options.localRoutes).catch((error: unknown) => {
      // The handler maps its own errors; reaching here means it crashed, as a Lambda would (API Gateway: 500).
      onCrash(error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Internal Server Error" }));
    });
  });
  // A port already taken rejects here (the caller names the variable), rather than crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ApiGatewayServerOptions {
  host?: string;
  port?: number;
  localRoutes?: LocalRoutes;
  /** Told about a handler that threw (API Gateway answers 500); `console.error` by default. */
  onCrash?: (error: unknown) => void;
}

/** Extra endpoints of the local stack (under `/__local/`), answered before the Lambda handler sees anything. */
export type LocalRoutes = (method: string, path: string, body: Buffer) => Promise<HttpResult | undefined>;

async function serve(
  handler: HttpLambda,
  req: IncomingMessage,
  res: ServerResponse,
  localRoutes?: LocalRoutes,
): Promise<void> {
  const body = await readBody(req);
  const local =
    localRoutes &&
    (await localRoutes(req.method ?? "GET", new URL(req.url ?? "/", "http://localhost").pathname, body));
  if (local) {
    res.writeHead(local.statusCode, local.headers);
    res.end(local.body);
    return;
  }
  const started = Date.now();
  const result = await handler(toEvent(req, body), {
    getRemainingTimeInMillis: () => INTEGRATION_TIMEOUT_MS - (Date.now() - started),
  });
  res.writeHead(result.statusCode, result.headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
}

/** Builds the payload v2 event API Gateway would send for this request. */
export function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://localhost");
  const rawQueryString = url.search.slice(1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const isText = TEXT_TYPES.test(headers["content-type"] ?? "");
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.length > 0 && !isText,
  };
  if (rawQueryString) event.queryStringParameters = Object.fromEntries(url.searchParams);
  if (body.length > 0) event.body = isText ? body.toString("utf8") : body.toString("base64");
  return event;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
