/**
 * Atlas error bodies. Details and status codes come from the Atlas API error catalogue
 * (docs/atlas-api.md §2.2, https://www.mongodb.com/docs/atlas/reference/api-errors/) so a client sees exactly
 * the text it would see from Atlas; `%s` placeholders are filled from `parameters` in order, like Atlas does.
 */

/** The `ApiError` shape Atlas answers with (docs/atlas-api.md §2.1). */
export interface AtlasErrorBody {
  detail: string;
  error: number;
  errorCode: string;
  parameters: (string | number)[];
  reason: string;
}

const CATALOGUE = {
  ATTRIBUTE_READ_ONLY: [400, "The attribute %s is read-only and cannot be changed by the user."],
  INVALID_ATTRIBUTE: [400, "Invalid attribute %s specified."],
  INVALID_CIDR_BLOCK: [400, "The CIDR block %s must be in valid CIDR notation."],
  INVALID_PROVIDER: [400, "No provider %s exists."],
  INVALID_ROUTE_TABLE_CIDR: [
    400,
    'The address %s must be within the private ranges ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].',
  ],
  INVALID_QUERY_PARAMETER: [400, "Invalid query parameter %s specified."],
  INVALID_VERSION_DATE: [400, "There is no version number in the request."],
  MALFORMED_JSON: [400, "Received JSON is malformed."],
  // The API key's (or service account's) IP access list refusing the caller: the current name and the legacy
  // one, with the same detail (as live answers quoted in terraform-provider-mongodbatlas #557 and #1048 show).
  IP_ADDRESS_NOT_ON_ACCESS_LIST: [403, "IP address %s is not allowed to access this resource."],
  IP_ADDRESS_NOT_ON_WHITELIST: [403, "IP address %s is not allowed to access this resource."],
  ORG_REQUIRES_WHITELIST: [403, "This organization requires access through a whitelist of ip ranges."],
  CLOUD_PROVIDER_CONTAINER_NOT_FOUND: [404, "An invalid cloud provider container ID %s was specified."],
  GROUP_NOT_FOUND: [404, "No group with ID %s exists."],
  INVALID_GROUP_ID: [404, "An invalid group ID %s was specified."],
  INVALID_PEER_ID: [404, "An invalid peer ID %s was specified."],
  PEER_NOT_FOUND: [404, "No peer with ID %s exists in project %s."],
  RESOURCE_NOT_FOUND: [404, "Cannot find resource %s."],
  // Not in the catalogue: the simulator's own answers for a wrong method or an oversized body.
  METHOD_NOT_ALLOWED: [405, "Method %s is not allowed on %s."],
  UNSUPPORTED_VERSION_DATE: [
    406,
    "The version date %s is earlier than the first version (%s) of this resource.",
  ],
  PAYLOAD_TOO_LARGE: [413, "The request body exceeds %s bytes."],
  PEER_INVALID_STATE: [409, "The peer with ID %s in group %s cannot be updated in its current state."],
  RATE_LIMITED: [429, "Resource %s is limited to %s requests every %s minutes."],
  RATE_LIMITED_TOKEN_BUCKET: [
    429,
    "Rate limit exceeded for %s. Please retry after %s seconds. Request capacity: %s. Refill rate: %s per %s seconds.",
  ],
  UNEXPECTED_ERROR: [500, "Unexpected error."],
  SERVICE_UNAVAILABLE: [503, "Service Unavailable."],
} as const satisfies Record<string, readonly [number, string]>;

/** The error codes the simulator can answer with. */
export type AtlasErrorCode = keyof typeof CATALOGUE;

/** HTTP reason phrases as Atlas puts them in `reason`. */
const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Builds the Atlas error body for `code`, filling the detail's `%s` placeholders from `parameters`. */
export function atlasError(code: AtlasErrorCode, ...parameters: (string | number)[]): AtlasErrorBody {
  const [status, template] = CATALOGUE[code];
  let next = 0;
  const detail = template.replace(/%s/g, () => String(parameters[next++] ?? ""));
  return { detail, error: status, errorCode: code, parameters, reason: REASONS[status] ?? "Error" };
}

/**
 * The body real Atlas sends with its digest challenge. It has no `errorCode` (captured from a live response in
 * mongodb/terraform-provider-mongodbatlas issue #1327), so clients must not assume one on a 401.
 */
export const UNAUTHORIZED_BODY = {
  error: 401,
  reason: "Unauthorized",
  detail: "You are not authorized for this resource.",
} as const;

/** An Atlas error raised while handling a request; the router turns it into the HTTP answer. */
export class AtlasHttpError extends Error {
  readonly body: AtlasErrorBody;
  readonly headers: Readonly<Record<string, string>>;

  constructor(body: AtlasErrorBody, headers: Readonly<Record<string, string>> = {}) {
    super(body.detail);
    this.name = "AtlasHttpError";
    this.body = body;
    this.headers = headers;
  }
}

/** Shorthand for `throw new AtlasHttpError(atlasError(code, ...parameters))`. */
export function fail(code: AtlasErrorCode, ...parameters: (string | number)[]): never {
  throw new AtlasHttpError(atlasError(code, ...parameters));
}
