import { type FaultMatch, type FaultSpec, type RateLimitCode, REFUSAL_CODES } from "./faults.js";

/**
 * Validation of fault rules coming from JSON (the control endpoint) or from callers of the in-process API.
 * A rule that silently did nothing would make a failure rehearsal pass for the wrong reason, so every
 * unexpected field or value is refused with a message naming it.
 */

/** A fault rule that cannot be accepted; the control endpoint answers 400 with the message. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultSpecError";
  }
}

const MAX_COUNT = 1_000_000;
const MAX_LATENCY_MS = 120_000;
const FAULT_STATUSES = [500, 503, 429, 400, 403, 404, 502, 504] as const;
const RATE_LIMIT_CODES: readonly RateLimitCode[] = ["RATE_LIMITED", "RATE_LIMITED_TOKEN_BUCKET"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function integerIn(body: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultSpecError(`"${key}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function onlyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new FaultSpecError(`unknown field "${unknown}"`);
}

function parseMatch(value: unknown): FaultMatch | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new FaultSpecError(`"match" must be an object`);
  onlyKeys(value, ["method", "path"]);
  const match: FaultMatch = {};
  for (const key of ["method", "path"] as const) {
    const field = value[key];
    if (field === undefined) continue;
    if (typeof field !== "string" || field === "")
      throw new FaultSpecError(`"match.${key}" must be a string`);
    match[key] = field;
  }
  return match;
}

/** Copies the optional `count` and `match` onto a rule without writing `undefined` (exactOptionalPropertyTypes). */
function withCommon<T extends FaultSpec>(spec: T, body: Record<string, unknown>): T {
  const count = integerIn(body, "count", 1, MAX_COUNT);
  const match = parseMatch(body.match);
  return { ...spec, ...(count === undefined ? {} : { count }), ...(match === undefined ? {} : { match }) };
}

function parseStatusFault(body: Record<string, unknown>): FaultSpec {
  onlyKeys(body, ["status", "count", "retryAfterSeconds", "errorCode", "match"]);
  const status = FAULT_STATUSES.find((candidate) => candidate === body.status);
  if (status === undefined) throw new FaultSpecError(`"status" must be one of ${FAULT_STATUSES.join(", ")}`);
  const retryAfterSeconds = integerIn(body, "retryAfterSeconds", 0, 86_400);
  // The load balancer's page is fixed: a Retry-After it would never send must not look rehearsed.
  if ((status === 502 || status === 504) && retryAfterSeconds !== undefined) {
    throw new FaultSpecError(`"retryAfterSeconds" is not for ${status} (a load balancer's answer)`);
  }
  const errorCode = checkErrorCode(status, body.errorCode);
  return withCommon(
    {
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(errorCode === undefined ? {} : { errorCode }),
    },
    body,
  );
}

/** The rule's `errorCode`: optional for 429, required for a refusal (which has no default), absent otherwise. */
function checkErrorCode(status: (typeof FAULT_STATUSES)[number], errorCode: unknown) {
  if (status === 400 || status === 403 || status === 404) {
    const codes: readonly string[] = REFUSAL_CODES[status];
    if (typeof errorCode !== "string" || !codes.includes(errorCode)) {
      throw new FaultSpecError(`"status" ${status} needs an "errorCode", one of ${codes.join(", ")}`);
    }
    return errorCode as (typeof REFUSAL_CODES)[typeof status][number];
  }
  if (errorCode !== undefined && (status !== 429 || !RATE_LIMIT_CODES.includes(errorCode as RateLimitCode))) {
    throw new FaultSpecError(
      `"errorCode" is only for 429 (${RATE_LIMIT_CODES.join(", ")}) or a 400/403/404 refusal`,
    );
  }
  return errorCode as RateLimitCode | undefined;
}

/** Validates a fault rule and returns it typed; throws {@link FaultSpecError} on the first problem. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!isRecord(input)) throw new FaultSpecError("a fault must be a JSON object");
  if ("status" in input) return parseStatusFault(input);
  if ("latencyMs" in input) {
    onlyKeys(input, ["latencyMs", "count", "match"]);
    const latencyMs = integerIn(input, "latencyMs", 0, MAX_LATENCY_MS) ?? 0;
    return withCommon({ latencyMs }, input);
  }
  if ("reset" in input) {
    onlyKeys(input, ["reset", "count", "match"]);
    if (input.reset !== "connection") throw new FaultSpecError(`"reset" must be "connection"`);
    return withCommon({ reset: "connection" }, input);
  }
  throw new FaultSpecError(`a fault needs one of "status", "latencyMs" or "reset"`);
}
