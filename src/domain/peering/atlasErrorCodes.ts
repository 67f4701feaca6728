/**
 * The Atlas error code a request violation amounts to, so that a drop-in client reading Atlas's `errorCode`
 * (the Go SDK's `admin.IsErrorCode`, Terraform's messages) sees the code Atlas itself would send. Codes and
 * their meanings are Atlas's own (https://www.mongodb.com/docs/atlas/reference/api-errors/, docs/atlas-api.md
 * §2.2); each one's detail template takes the attribute or parameter name, which {@link violationAttribute}
 * gives.
 */
import { type FieldViolation, REQUIRED_MESSAGE, WRONG_JSON_TYPE } from "../validation.js";
import { NULL_MESSAGE } from "./fields.js";
import { READ_ONLY_MESSAGE } from "./settings.js";

/** Atlas's codes for a request it will not parse or accept as sent (all answered 400 by Atlas). */
export const ATLAS_VIOLATION_CODES = [
  "INVALID_JSON", // Received JSON does not match expected format.
  "INVALID_PATH_PARAMETER", // Invalid path parameter %s specified.
  "INVALID_QUERY_PARAMETER", // Invalid query parameter %s specified.
  "MISSING_ATTRIBUTE", // The required attribute %s was not specified.
  "ATTRIBUTE_READ_ONLY", // The attribute %s is read-only and cannot be changed by the user.
  "INVALID_JSON_ATTRIBUTE", // Received JSON for the %s attribute does not match expected format.
  "INVALID_ATTRIBUTE", // Invalid attribute %s specified.
] as const;

export type AtlasViolationCode = (typeof ATLAS_VIOLATION_CODES)[number];

/** Path prefixes the validators put violations of the URL under (request.ts, readQuery.ts). */
const PATH_PREFIX = "path.";
const QUERY_PREFIX = "query.";

/**
 * The Atlas code of one violation, by where it is and what the domain's validators said about it: the whole
 * body, a path or query parameter, an absent required field, a read-only field, a value of the wrong JSON type
 * (null included), and otherwise an attribute Atlas would refuse (unknown, another provider's, bad format).
 *
 * @example violationCode({ path: "statusName", message: "is read-only: Atlas sets it" }) // "ATTRIBUTE_READ_ONLY"
 * @example violationCode({ path: "query.pretty", message: 'must be "true" or "false"' }) // "INVALID_QUERY_PARAMETER"
 */
export function violationCode(violation: FieldViolation): AtlasViolationCode {
  const { path, message } = violation;
  if (path === "") return "INVALID_JSON";
  if (path.startsWith(PATH_PREFIX)) return "INVALID_PATH_PARAMETER";
  if (path.startsWith(QUERY_PREFIX)) return "INVALID_QUERY_PARAMETER";
  if (message === REQUIRED_MESSAGE) return "MISSING_ATTRIBUTE";
  if (message === READ_ONLY_MESSAGE) return "ATTRIBUTE_READ_ONLY";
  if (message === NULL_MESSAGE || message.startsWith(WRONG_JSON_TYPE)) return "INVALID_JSON_ATTRIBUTE";
  return "INVALID_ATTRIBUTE";
}

/**
 * The name Atlas's detail template takes for a violation: the attribute, or the path or query parameter
 * without its prefix; undefined for the whole body.
 *
 * @example violationAttribute({ path: "query.envelope", message: "…" }) // "envelope"
 */
export function violationAttribute(violation: FieldViolation): string | undefined {
  const { path } = violation;
  if (path === "") return undefined;
  for (const prefix of [PATH_PREFIX, QUERY_PREFIX]) {
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  return path;
}
