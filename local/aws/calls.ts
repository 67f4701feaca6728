import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One API call an emulator received, as IAM would see it: who was asked to do what, on which resource. */
export interface AwsCall {
  service: "secretsmanager" | "scheduler" | "events" | "dynamodb";
  /** The API operation, e.g. `GetSecretValue`. */
  action: string;
  /** The ARN IAM evaluates the call against (`*` when the operation has no resource). */
  resource: string;
  /** Epoch ms when the request arrived. */
  at: number;
  /** The request's parameters, as parsed from the wire. */
  input: unknown;
  /** The access key id the request was signed with (who called), never the signature or the secret. */
  principal?: string;
}

const requestPrincipal = new AsyncLocalStorage<string | undefined>();

/**
 * The access key id of a SigV4-signed request (`Credential=<key id>/<date>/<region>/<service>/aws4_request`).
 * The local Lambda runtime gives each function a key id of its own, so calls can be checked against the
 * function's role.
 */
export function principalOf(req: IncomingMessage): string | undefined {
  const match = /Credential=([A-Z0-9]+)\//i.exec(String(req.headers.authorization ?? ""));
  return match?.[1];
}

/** The principal of the request being served (set by {@link startJsonServer} and the DynamoDB proxy). */
export function currentPrincipal(): string | undefined {
  return requestPrincipal.getStore();
}

/** `{principal}` of the request being served, or nothing: spread into an {@link AwsCall}. */
export function principalNow(): { principal?: string } {
  const id = currentPrincipal();
  return id ? { principal: id } : {};
}

/** Runs `work` with `req`'s principal as {@link currentPrincipal}. */
export function withPrincipal<T>(req: IncomingMessage, work: () => T): T {
  return requestPrincipal.run(principalOf(req), work);
}

/** Options every emulator takes. */
export interface EmulatorOptions {
  /** Only loopback: the emulators have no authentication. */
  host?: "127.0.0.1";
  /** Default 0: any free port. */
  port?: number;
  /** Default `eu-west-1`; appears in every ARN. */
  region?: string;
  /** Default `123456789012`; appears in every ARN. */
  accountId?: string;
}

/** What every emulator returns. */
export interface EmulatorHandle {
  /** `http://127.0.0.1:<port>`: the `endpoint` to give an SDK client. */
  url: string;
  /** Every call received, in order. */
  calls: AwsCall[];
  /** Stops the server, idle keep-alive connections included. */
  close(): Promise<void>;
}

/** An error to answer the way AWS does: an HTTP status, an error type and a message. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The region and account of an emulator, defaults applied. */
export function scopeOf(options: EmulatorOptions): { region: string; accountId: string } {
  return { region: options.region ?? "eu-west-1", accountId: options.accountId ?? "123456789012" };
}

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The body parsed as a JSON object; AWS answers a body that is not one with a SerializationException. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Answered below like any other non-object body.
  }
  throw new AwsError("SerializationException", "The request body is not a JSON object.");
}

/** Answers `body` as JSON with the given content type (`application/x-amz-json-1.1`, `application/json`…). */
export function sendJson(res: ServerResponse, status: number, body: unknown, contentType: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(text);
}

/**
 * Answers an AWS-style error. The type goes both in the body (`__type`, read first by the JSON-RPC
 * protocols) and in `x-amzn-errortype` (read first by restJson1), so every SDK protocol finds it.
 * `messageKey` follows each service's model (`Message` for Secrets Manager and Scheduler, else `message`).
 */
export function sendAwsError(
  res: ServerResponse,
  error: AwsError,
  contentType: string,
  messageKey: "message" | "Message" = "message",
): void {
  res.setHeader("x-amzn-errortype", error.type);
  sendJson(res, error.status, { __type: error.type, [messageKey]: error.message }, contentType);
}

/** Answers one request; a thrown {@link AwsError} becomes its error answer. */
export type JsonHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>;

/** How a {@link startJsonServer} server answers errors. */
export interface ErrorStyle {
  contentType: string;
  messageKey?: "message" | "Message";
}

/**
 * Starts an HTTP server on 127.0.0.1 that reads each body, runs `handler`, and turns an {@link AwsError}
 * (or any other failure, as a 500 InternalFailure) into an AWS error answer.
 */
export async function startJsonServer(
  options: EmulatorOptions,
  style: ErrorStyle,
  handler: JsonHandler,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    withPrincipal(req, () => readBody(req).then((body) => handler(req, body, res))).catch(
      (error: unknown) => {
        const answer =
          error instanceof AwsError ? error : new AwsError("InternalFailure", String(error), 500);
        if (!res.headersSent) sendAwsError(res, answer, style.contentType, style.messageKey);
      },
    );
  });
  return listen(server, options);
}

/** Listens on 127.0.0.1 (whatever the caller passed) and returns the URL and a thorough `close`. */
export async function listen(
  server: Server,
  options: EmulatorOptions,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // SDK clients keep sockets alive; without this, close() waits for them to time out.
      server.closeAllConnections?.();
    });
  return { server, url: `http://127.0.0.1:${port}`, close };
}
