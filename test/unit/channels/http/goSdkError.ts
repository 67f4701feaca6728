/**
 * How the Atlas Go SDK reads an error answer, re-stated in TypeScript so tests can ask what a Go client would
 * see. From mongodb/atlas-sdk-go@68a9d51c: `admin/client.go` (`makeApiError`, `decode`, `jsonCheck`),
 * `admin/model_api_error.go` and `admin/model_bad_request_detail.go` (the `ApiError` struct Go's
 * `encoding/json` fills), `admin/atlas_client.go` (`AsError`, `IsErrorCode`). When the body's type does not
 * match `jsonCheck`, or a member has a type `encoding/json` cannot put in its Go field, the SDK keeps no model
 * and `IsErrorCode` is false for every code.
 */

/** `jsonCheck` in admin/client.go, verbatim (Go's `(?i:…)` is JavaScript's `i` flag). */
const JSON_CHECK = /(?:application|text)\/(?:vnd\.[^;]+\+)?json/i;

export interface GoApiError {
  error: number;
  errorCode: string;
  detail?: string;
  reason?: string;
  parameters?: unknown[];
  badRequestDetail?: { fields?: Array<{ field: string; description: string }> };
}

export type GoDecoded = { model: GoApiError } | { failure: string };

/** What `makeApiError` ends with: the decoded model, or why the SDK has none. */
export function goSdkDecode(contentType: string | undefined, body: string): GoDecoded {
  if (!JSON_CHECK.test(contentType ?? "")) return { failure: `undefined response type ${contentType}` };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { failure: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { failure: "cannot unmarshal non-object into ApiError" };
  }
  const problem = memberTypeProblem(value as Record<string, unknown>);
  return problem ? { failure: problem } : { model: toModel(value as Record<string, unknown>) };
}

/** `admin.IsErrorCode(err, code)`: the decoded model's `errorCode` equals `code`. */
export function goSdkIsErrorCode(contentType: string | undefined, body: string, code: string): boolean {
  const decoded = goSdkDecode(contentType, body);
  return "model" in decoded && decoded.model.errorCode === code;
}

const isString = (v: unknown) => typeof v === "string";
const orNull = (check: (v: unknown) => boolean) => (v: unknown) => v === null || v === undefined || check(v);

/** The first member `encoding/json` could not store in the `ApiError` struct, if any. */
function memberTypeProblem(body: Record<string, unknown>): string | undefined {
  const checks: Record<string, (v: unknown) => boolean> = {
    error: orNull((v) => Number.isInteger(v)),
    errorCode: orNull(isString),
    detail: orNull(isString),
    reason: orNull(isString),
    parameters: orNull(Array.isArray),
    badRequestDetail: orNull(isBadRequestDetail),
  };
  const wrong = Object.entries(checks).find(([name, check]) => !check(body[name]));
  return wrong ? `cannot unmarshal ${JSON.stringify(body[wrong[0]])} into ApiError.${wrong[0]}` : undefined;
}

function isBadRequestDetail(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const fields = (value as { fields?: unknown }).fields;
  if (fields === undefined || fields === null) return true;
  return (
    Array.isArray(fields) &&
    fields.every(
      (f) =>
        typeof f === "object" && f !== null && orNull(isString)(f.field) && orNull(isString)(f.description),
    )
  );
}

/** Go's zero values for what was absent or null. */
function toModel(body: Record<string, unknown>): GoApiError {
  const model: GoApiError = {
    error: (body.error as number | null | undefined) ?? 0,
    errorCode: (body.errorCode as string | null | undefined) ?? "",
  };
  if (typeof body.detail === "string") model.detail = body.detail;
  if (typeof body.reason === "string") model.reason = body.reason;
  if (Array.isArray(body.parameters)) model.parameters = body.parameters;
  if (body.badRequestDetail)
    model.badRequestDetail = body.badRequestDetail as NonNullable<GoApiError["badRequestDetail"]>;
  return model;
}
