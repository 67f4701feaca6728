import { signRequest } from "../src/access/signature.js";
import type { ChangeView } from "../src/domain/change/view.js";
import type { ChangeState } from "../src/domain/peering/status.js";
import type { Auth, ListQuery } from "./args.js";

/** One invalid field, as the gateway names it in a problem's `errors`. */
export interface FieldError {
  path: string;
  message: string;
}

/** The gateway answered with an error (an RFC 9457 problem, or something else that is not a success). */
export class GatewayApiError extends Error {
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  /** The change the problem is about: the in-flight change on a 409, the refused change on an Atlas refusal. */
  readonly changeRequestId: string | undefined;
  /** What to do about it, when the gateway says (a refusal it knows a remedy for). */
  readonly remediation: string | undefined;

  constructor(
    readonly status: number,
    problem: {
      title: string;
      detail?: string;
      errors?: FieldError[];
      requestId?: string;
      changeRequestId?: string;
      remediation?: string;
    },
  ) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.name = "GatewayApiError";
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.changeRequestId = problem.changeRequestId;
    this.remediation = problem.remediation;
  }
}

/** The gateway could not be reached, or did not answer in time. */
export class GatewayNetworkError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "GatewayNetworkError";
  }
}

/** The answer to `POST /v1/peering-changes`. `change` is absent on gateways older than the change view. */
export interface SubmitResponse {
  id: string;
  state: ChangeState;
  atlas: unknown;
  change?: ChangeView;
}

/** One page of `GET /v1/peering-changes`. */
export interface ChangePage {
  items: ChangeView[];
  cursor?: string;
}

/** What the client needs: where the gateway is, who we are, and (for tests) a fetch and a clock. */
export interface ClientOptions {
  baseUrl: string;
  auth: Auth;
  fetch?: typeof fetch;
  now?: () => number;
  /** Per-request limit; a hung connection must not hang a CI job forever. */
  timeoutMs?: number;
}

const COLLECTION = "/v1/peering-changes";

/** A small client for the gateway's `/v1/peering-changes` API. */
export class GatewayClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  /** Submits a change; the same `idempotencyKey` makes a retried submit answer with the first change. */
  async submit(body: unknown, idempotencyKey?: string): Promise<SubmitResponse> {
    const headers: Record<string, string> = idempotencyKey ? { "idempotency-key": idempotencyKey } : {};
    const answer = await this.request("POST", COLLECTION, JSON.stringify(body), headers);
    return expectChange(answer) as unknown as SubmitResponse;
  }

  /** Reads one change. */
  async get(id: string): Promise<ChangeView> {
    return expectChange(await this.request("GET", `${COLLECTION}/${encodeURIComponent(id)}`));
  }

  /** Reads one page of a project's changes, newest first. */
  async list(query: ListQuery): Promise<ChangePage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) params.set(key, String(value));
    const answer = await this.request("GET", `${COLLECTION}?${params.toString()}`);
    if (!isRecord(answer) || !Array.isArray(answer.items)) throw unexpected("a list without items");
    return answer as unknown as ChangePage;
  }

  /** Cancels a change that has not ended; answers the change, now CANCELLED. */
  async cancel(id: string): Promise<ChangeView> {
    return expectChange(await this.request("DELETE", `${COLLECTION}/${encodeURIComponent(id)}`));
  }

  private async request(
    method: string,
    pathWithQuery: string,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<unknown> {
    const headers = {
      accept: "application/json, application/problem+json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...extra,
      ...this.authHeaders(method, pathWithQuery, body ?? ""),
    };
    const url = `${this.options.baseUrl}${pathWithQuery}`;
    const response = await this.send(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    if (!response.ok) throw problemError(response, text);
    try {
      return JSON.parse(text);
    } catch {
      throw unexpected(`a ${response.status} answer that is not JSON`);
    }
  }

  private authHeaders(method: string, pathWithQuery: string, body: string): Record<string, string> {
    const { auth } = this.options;
    if (auth.kind === "bearer") return { authorization: `Bearer ${auth.token}` };
    // The gateway signs the route path, without any stage prefix of the base URL (README, signed requests).
    const timestamp = String(Math.floor(this.now() / 1000));
    return {
      "x-gateway-caller": auth.caller,
      "x-gateway-timestamp": timestamp,
      "x-gateway-signature": signRequest(auth.secret, { timestamp, method, pathWithQuery, body }),
    };
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      return await this.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // Only the origin: a base URL may carry a user:password part, which must not be printed.
      const origin = new URL(url).origin;
      const name = error instanceof Error ? error.name : "";
      const why = name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : describeCause(error);
      throw new GatewayNetworkError(`could not reach the gateway at ${origin}: ${why}`, { cause: error });
    }
  }
}

function problemError(response: Response, text: string): GatewayApiError {
  const body = parseJson(text);
  const fallback = response.statusText || `HTTP ${response.status}`;
  if (!isRecord(body))
    return new GatewayApiError(response.status, { title: fallback, detail: text.slice(0, 300) });
  const errors = Array.isArray(body.errors)
    ? body.errors
        .filter(isRecord)
        .map((e) => ({ path: String(e.path ?? ""), message: String(e.message ?? "") }))
    : [];
  return new GatewayApiError(response.status, {
    // API Gateway's own errors are `{"message": …}`, not problems.
    title: stringOr(body.title, fallback),
    ...optional("detail", stringOr(body.detail, stringOr(body.message, ""))),
    ...optional("requestId", stringOr(body.requestId, "")),
    ...optional("changeRequestId", stringOr(body.changeRequestId, "")),
    ...optional("remediation", stringOr(body.remediation, "")),
    errors,
  });
}

function expectChange(answer: unknown): ChangeView {
  if (!isRecord(answer) || typeof answer.id !== "string" || typeof answer.state !== "string") {
    throw unexpected("an answer without a change id and state");
  }
  return answer as unknown as ChangeView;
}

function unexpected(what: string): GatewayApiError {
  return new GatewayApiError(0, {
    title: "Unexpected answer from the gateway",
    detail: `The gateway sent ${what}.`,
  });
}

function describeCause(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" && value.length > 0 ? value : fallback;
}

function optional<K extends string>(key: K, value: string): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
