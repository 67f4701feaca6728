import * as z from "zod/mini";
import { groupId } from "../peering/fields.js";
import { fromSafeParse, objectErrors, type Validation } from "../validation.js";

export interface AuditQuery {
  groupId: string;
  /** Epoch ms. */
  since: number;
  limit: number;
  cursor?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const shape = {
  groupId,
  since: z.optional(
    z
      .string()
      .check(
        z.refine(
          (value) => !Number.isNaN(Date.parse(value)),
          "must be an ISO 8601 date or date-time, e.g. 2026-11-28T00:00:00Z",
        ),
      ),
  ),
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, "must be a whole number from 1 to 100"))),
  // A cursor this API made is well under 512 characters; a longer one would only reach the store to be refused.
  cursor: z.optional(z.string().check(z.maxLength(512, "is not a cursor this listing returned"))),
};
const schema = z.strictObject(shape, { error: objectErrors("unknown query parameter", Object.keys(shape)) });

/** The query schema of `GET /v1/audit`, for the OpenAPI document (src/channels/http/openapi/). */
export { schema as auditQuerySchema };

/**
 * Validates `GET /v1/audit?groupId=&since=&limit=&cursor=` (violations at `query.<name>`). `since` defaults to
 * 30 days before `now`.
 */
export function validateAuditQuery(
  query: Record<string, string | undefined>,
  now: number,
): Validation<AuditQuery> {
  const present = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  const result = fromSafeParse(schema.safeParse(present), "query");
  if (!result.ok) return result;
  const { since, limit, cursor } = result.value;
  return {
    ok: true,
    value: {
      groupId: result.value.groupId,
      since: since === undefined ? now - 30 * DAY_MS : Date.parse(since),
      limit: limit === undefined ? 50 : Number(limit),
      ...(cursor === undefined ? {} : { cursor }),
    },
  };
}
