import * as z from "zod/mini";
import { groupId, peerId } from "../peering/fields.js";
import type { ChangeState } from "../peering/status.js";
import { CHANGE_STATES } from "../peering/status.js";
import { fromSafeParse, objectErrors, type Validation } from "../validation.js";

const shape = {
  groupId,
  peerId: z.optional(peerId),
  state: z.optional(z.enum(CHANGE_STATES, { error: `must be one of ${CHANGE_STATES.join(", ")}` })),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")),
      z.transform(Number).check(z.minimum(1, "must be at least 1"), z.maximum(100, "must be at most 100")),
    ),
  ),
  // A cursor this API made is well under 512 characters; a longer one would only reach the store to be refused.
  cursor: z.optional(z.string().check(z.maxLength(512, "is not a cursor this listing returned"))),
};
const schema = z.strictObject(shape, { error: objectErrors("unknown query parameter", Object.keys(shape)) });

/** The query schema of `GET /v1/peering-changes`, for the OpenAPI document (src/channels/http/openapi/). */
export { schema as changeListQuerySchema };

/**
 * Validates `GET /v1/peering-changes?groupId=&peerId=&state=&limit=&cursor=` (violations at `query.<name>`).
 * `groupId` is required: listings are per project, which is what callers are granted.
 */
export function validateListQuery(query: Record<string, string | undefined>): Validation<ChangeQuery> {
  const present = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  const result = fromSafeParse(schema.safeParse(present), "query");
  if (!result.ok) return result;
  const { limit, peerId: peer, state, cursor } = result.value;
  return {
    ok: true,
    value: {
      groupId: result.value.groupId,
      limit: limit ?? 20,
      ...(peer === undefined ? {} : { peerId: peer }),
      ...(state === undefined ? {} : { state }),
      ...(cursor === undefined ? {} : { cursor }),
    },
  };
}

export interface ChangeQuery {
  groupId: string;
  peerId?: string;
  state?: ChangeState;
  /** 1–100. */
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}
