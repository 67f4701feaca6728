import { Agent, type IncomingMessage, type OutgoingHttpHeaders, request } from "node:http";

export const JSON_10 = "application/x-amz-json-1.0";
export const TARGET_PREFIX = "DynamoDB_20120810.";
const VALIDATION = "com.amazon.coral.validate#ValidationException";

/** An item or a key as DynamoDB's wire JSON has it (`{"pk": {"S": "…"}}`), kept as is: never converted. */
export type AttributeMap = Record<string, unknown>;

/** A whole HTTP answer of dynalite. */
export interface Answer {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

/** A DynamoDB error answer: its status and JSON body (`__type`, `message`, …), sent to the caller as is. */
export class DynamoError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.Message ?? body.__type));
  }

  /** The type without its namespace, as the SDK names the error (`ConditionalCheckFailedException`). */
  get type(): string {
    return String(this.body.__type ?? "").replace(/^.*#/, "");
  }
}

/** A ValidationException as DynamoDB (and dynalite) words it. */
export function validationError(message: string): DynamoError {
  return new DynamoError(400, { __type: VALIDATION, message });
}

/** The headers that carry a request's credentials: copied onto the calls made on its behalf. */
const AUTH_HEADERS = ["authorization", "x-amz-date", "x-amz-security-token"];

/** Talks to one dynalite over HTTP with its own keep-alive agent (destroyed by `close`). */
export class Upstream {
  readonly #agent = new Agent({ keepAlive: true });

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** Sends a request byte for byte (method, path, headers, body) and reads dynalite's whole answer. */
  relay(req: IncomingMessage, body: Buffer): Promise<Answer> {
    return this.#send({ method: req.method ?? "POST", path: req.url ?? "/", headers: req.rawHeaders }, body);
  }

  /**
   * Calls one operation with `req`'s credentials (dynalite checks that they are there, as AWS would) and
   * returns its output; an error answer is thrown as a {@link DynamoError}.
   */
  async call(action: string, input: unknown, req: IncomingMessage): Promise<Record<string, unknown>> {
    const body = Buffer.from(JSON.stringify(input));
    const headers: OutgoingHttpHeaders = {
      "content-type": JSON_10,
      "content-length": body.length,
      "x-amz-target": `${TARGET_PREFIX}${action}`,
    };
    for (const name of AUTH_HEADERS) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const answer = await this.#send({ method: "POST", path: "/", headers }, body);
    const output = parseAnswer(answer);
    if (answer.status !== 200) throw new DynamoError(answer.status, output);
    return output;
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(
    options: { method: string; path: string; headers: OutgoingHttpHeaders | string[] },
    body: Buffer,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { ...options, host: this.host, port: this.port, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 502,
              rawHeaders: res.rawHeaders,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }
}

/** dynalite answers JSON, except for a few bodiless refusals (413, 404): those become an InternalFailure. */
function parseAnswer(answer: Answer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(answer.body.toString("utf8"));
    if (parsed !== null && typeof parsed === "object") return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  const message = `dynalite answered ${answer.status}: ${answer.body.toString("utf8").slice(0, 200)}`;
  throw new DynamoError(500, { __type: "com.amazonaws.dynamodb.v20120810#InternalFailure", message });
}
