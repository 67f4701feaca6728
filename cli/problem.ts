/** One invalid field, as the gateway names it in a problem's `errors`. */
export interface FieldError {
  path: string;
  message: string;
}

interface ProblemFields {
  title: string;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
  changeRequestId?: string;
  remediation?: string;
  errorCode?: string;
  /** The answer's JSON as it came, printed as is with `--json`. */
  body?: unknown;
}

/**
 * The gateway answered with an error: an RFC 9457 problem, an Atlas-shaped error (the drop-in reads pass
 * Atlas's `{error, errorCode, reason, detail}` through), or something else that is not a success.
 */
export class GatewayApiError extends Error {
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  /** The change the problem is about: the in-flight change on a 409, the refused change on an Atlas refusal. */
  readonly changeRequestId: string | undefined;
  /** What to do about it, when the gateway says (a refusal it knows a remedy for). */
  readonly remediation: string | undefined;
  /** Atlas's error code (`PEER_NOT_FOUND`), on an Atlas-shaped answer. */
  readonly errorCode: string | undefined;
  readonly body: unknown;

  constructor(
    readonly status: number,
    problem: ProblemFields,
  ) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.name = "GatewayApiError";
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.changeRequestId = problem.changeRequestId;
    this.remediation = problem.remediation;
    this.errorCode = problem.errorCode;
    this.body = problem.body;
  }
}

/** The gateway could not be reached, or did not answer in time. */
export class GatewayNetworkError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "GatewayNetworkError";
  }
}

/** The user pressed Ctrl-C (SIGINT): whatever was running stopped, the gateway's change did not. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

/** The error for a non-2xx answer with body `text`. */
export function problemError(response: Response, text: string): GatewayApiError {
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
    // Atlas's errors carry `reason`; API Gateway's own errors are `{"message": …}`, not problems.
    title: stringOr(body.title, stringOr(body.reason, fallback)),
    ...optional("detail", stringOr(body.detail, stringOr(body.message, ""))),
    ...optional("requestId", stringOr(body.requestId, "")),
    ...optional("changeRequestId", stringOr(body.changeRequestId, "")),
    ...optional("remediation", stringOr(body.remediation, "")),
    ...optional("errorCode", stringOr(body.errorCode, "")),
    errors,
    body,
  });
}

/** An answer that is a success but not what the route answers. */
export function unexpected(what: string): GatewayApiError {
  return new GatewayApiError(0, {
    title: "Unexpected answer from the gateway",
    detail: `The gateway sent ${what}.`,
  });
}

/** Why a fetch failed, in a word or two (`ECONNREFUSED`), never the URL it was given. */
export function describeCause(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" && value.length > 0 ? value : fallback;
}

function optional<K extends string>(key: K, value: string): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
