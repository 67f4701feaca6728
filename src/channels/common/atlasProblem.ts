/**
 * Atlas's `ApiError` members for the answers the gateway gives itself on the Atlas-compatible routes. A
 * drop-in client reads errors the way it reads Atlas's: the Go SDK decodes `error`, `errorCode`, `detail`,
 * `reason`, `parameters` and `badRequestDetail` (its `admin.IsErrorCode` compares `errorCode`), Terraform
 * prints them. They sit beside the problem members (RFC 9457 allows extension members), so one body serves
 * both readers. Conditions only the gateway has get codes prefixed `GATEWAY_`, so they are never mistaken for
 * Atlas's own.
 */
import { STATUS_CODES } from "node:http";
import { type ErrorKind, GatewayError } from "../../domain/errors.js";
import { violationAttribute, violationCode } from "../../domain/peering/atlasErrorCodes.js";
import type { FieldViolation } from "../../domain/validation.js";

/** Every path under it is Atlas's own path space: whoever calls it is an Atlas client. */
const ATLAS_API_PATH = /^\/api\/atlas\//;

/**
 * Whether errors on `path` are answered Atlas-shaped. Decided by the path, not by the route, because some
 * answers come before any route runs (authentication, an unknown route, a wrong method): a route added under
 * `/api/atlas/` (the read drop-ins) is Atlas-shaped with no call of its own.
 *
 * @example speaksAtlas("/api/atlas/v2/groups/g/peers/p") // true
 * @example speaksAtlas("/v1/peering-changes") // false
 */
export function speaksAtlas(path: string): boolean {
  return ATLAS_API_PATH.test(path);
}

/**
 * The one table: each gateway error code (`GatewayError.code`) to its Atlas-shaped `errorCode`. Request
 * faults Atlas has a code for get Atlas's code (a validation error, refined per violation, see
 * {@link atlasErrorCode}); everything else is the gateway's own and says so. Kept explicit, not derived from
 * the slug: the errorCode is a public contract a slug rename must not change.
 */
export const ATLAS_ERROR_CODES: Readonly<Record<string, string>> = {
  validation: "INVALID_ATTRIBUTE",
  "malformed-json": "MALFORMED_JSON",
  "json-shape": "INVALID_JSON",
  "unsupported-media-type": "GATEWAY_UNSUPPORTED_MEDIA_TYPE",
  "payload-too-large": "GATEWAY_PAYLOAD_TOO_LARGE",
  "not-found": "GATEWAY_ROUTE_NOT_FOUND",
  "method-not-allowed": "GATEWAY_METHOD_NOT_ALLOWED",
  unauthenticated: "GATEWAY_UNAUTHENTICATED",
  forbidden: "GATEWAY_NOT_GRANTED",
  "change-in-flight": "GATEWAY_CHANGE_IN_FLIGHT",
  "idempotency-key-reused": "GATEWAY_IDEMPOTENCY_KEY_REUSED",
  "change-not-updatable": "GATEWAY_CHANGE_NOT_UPDATABLE",
  // Atlas's own codes: Atlas answers an overlapping CIDR with them, and the gateway refuses it the same way.
  "overlapping-cidr-block": "OVERLAPPING_CIDR_BLOCK",
  "overlapping-atlas-cidr-block": "OVERLAPPING_ATLAS_CIDR_BLOCK",
  "policy-refused": "GATEWAY_POLICY_REFUSED",
  "callback-not-allowed": "GATEWAY_CALLBACK_NOT_ALLOWED",
  "change-not-found": "GATEWAY_CHANGE_NOT_FOUND",
  "change-ended": "GATEWAY_CHANGE_ENDED",
  "change-busy": "GATEWAY_CHANGE_BUSY",
  "change-sending": "GATEWAY_CHANGE_SENDING",
  "change-exists": "GATEWAY_CHANGE_EXISTS",
  "rate-limited": "GATEWAY_RATE_LIMITED",
  "atlas-credentials": "GATEWAY_ATLAS_CREDENTIALS_UNAVAILABLE",
  "atlas-credentials-refused": "GATEWAY_ATLAS_CREDENTIALS_REFUSED",
  "atlas-unreachable": "GATEWAY_ATLAS_UNREACHABLE",
  "atlas-auth-handshake": "GATEWAY_ATLAS_AUTH_HANDSHAKE",
  "atlas-service-account": "GATEWAY_ATLAS_SERVICE_ACCOUNT",
  "atlas-rate-budget": "GATEWAY_ATLAS_RATE_BUDGET",
  transport: "GATEWAY_ATLAS_TRANSPORT",
  "response-too-large": "GATEWAY_ATLAS_RESPONSE_TOO_LARGE",
  "atlas-list-unreadable": "GATEWAY_ATLAS_LIST_UNREADABLE",
  "peer-not-found": "GATEWAY_PEER_NOT_FOUND",
  "peer-unreadable": "GATEWAY_PEER_UNREADABLE",
  "store-unavailable": "GATEWAY_STORE_UNAVAILABLE",
  "event-publish": "GATEWAY_EVENT_PUBLISH_FAILED",
  scheduling: "GATEWAY_SCHEDULING_FAILED",
  "secret-unavailable": "GATEWAY_SECRET_UNAVAILABLE",
  "callers-registry": "GATEWAY_CALLERS_UNAVAILABLE",
  "policy-unavailable": "GATEWAY_POLICY_UNAVAILABLE",
  "slack-not-set-up": "GATEWAY_SLACK_NOT_SET_UP",
  "slack-secret": "GATEWAY_SLACK_SECRET_UNAVAILABLE",
  "cursor-key": "GATEWAY_CURSOR_KEY_UNAVAILABLE",
  configuration: "GATEWAY_MISCONFIGURED",
  "aws-accounts": "GATEWAY_MISCONFIGURED",
};

/** Violations from headers the gateway reads for itself: not Atlas attributes, so gateway codes. */
const GATEWAY_VIOLATION_CODES: Readonly<Record<string, string>> = {
  idempotencyKey: "GATEWAY_INVALID_IDEMPOTENCY_KEY",
};

/** Atlas's members, as the Go SDK's `ApiError` types them (`detail` is the problem's own member). */
export interface AtlasErrorMembers {
  error: number;
  errorCode: string;
  reason: string;
  parameters: string[];
  badRequestDetail?: { fields: Array<{ field: string; description: string }> };
}

/**
 * Atlas's members for an error answered with `status`: the code from the table (by kind for a class it does
 * not list yet, never left out), the HTTP reason phrase, the parameters its detail is about, and for request
 * violations Atlas's per-field `badRequestDetail`.
 */
export function atlasMembers(error: unknown, status: number): AtlasErrorMembers {
  const violations = violationsOf(error);
  const errorCode = atlasErrorCode(error, violations);
  const members: AtlasErrorMembers = {
    error: status,
    errorCode,
    reason: STATUS_CODES[status] ?? "Unknown",
    parameters: parametersOf(error, errorCode, violations),
  };
  if (violations.length > 0) {
    members.badRequestDetail = {
      fields: violations.map((v) => ({ field: v.path, description: v.message })),
    };
  }
  return members;
}

/**
 * The `errorCode` of an error. A violation list decides by its first violation (violations are sorted by
 * path, so the body as a whole comes first), as Atlas reports one error per request.
 */
export function atlasErrorCode(error: unknown, violations: readonly FieldViolation[] = []): string {
  if (!(error instanceof GatewayError)) return "GATEWAY_INTERNAL_ERROR";
  const first = violations[0];
  if (error.code === "validation" && first)
    return GATEWAY_VIOLATION_CODES[first.path] ?? violationCode(first);
  return ATLAS_ERROR_CODES[error.code] ?? `GATEWAY_${byKind(error.kind)}`;
}

function byKind(kind: ErrorKind): string {
  return kind.toUpperCase().replaceAll("-", "_");
}

/** The violations an error lists (`details().errors`), for validation and JSON-shape errors. */
function violationsOf(error: unknown): FieldViolation[] {
  if (!(error instanceof GatewayError)) return [];
  const listed = error.details().errors;
  return Array.isArray(listed) ? listed.filter(isViolation) : [];
}

function isViolation(value: unknown): value is FieldViolation {
  const v = value as Partial<FieldViolation> | null;
  return typeof v?.path === "string" && typeof v.message === "string";
}

/**
 * What the detail is about, as Atlas fills its templates: the attributes of every violation with the chosen
 * code (`INVALID_ATTRIBUTE` → `["vpcId", "awsAccountId"]`), or the change in the way (`changeRequestId`).
 */
function parametersOf(error: unknown, code: string, violations: readonly FieldViolation[]): string[] {
  if (violations.length > 0) {
    const names = violations
      .filter((v) => (GATEWAY_VIOLATION_CODES[v.path] ?? violationCode(v)) === code)
      .map((v) => violationAttribute(v))
      .filter((name): name is string => name !== undefined);
    return [...new Set(names)];
  }
  const changeId = error instanceof GatewayError ? error.details().changeRequestId : undefined;
  return typeof changeId === "string" ? [changeId] : [];
}
