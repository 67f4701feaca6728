import * as z from "zod/mini";
import { fromSafeParse, objectErrors, type Validation } from "../validation.js";
import { groupId } from "./fields.js";
import { PROVIDERS, type Provider } from "./settings.js";

/** What `GET /v1/peerings` (and Slack's `peers`, the CLI's `peers list`) asks for. */
export interface InventoryQuery {
  groupId: string;
  /** Only peerings one of whose ids contains this, ignoring case (see `findableMatches`). */
  q?: string;
  /** Only this provider's peerings: one Atlas list is read instead of three. */
  provider?: Provider;
}

/** Longer than any id a person holds; a longer `q` could only match nothing. */
const MAX_Q_LENGTH = 200;

const shape = {
  groupId,
  q: z.optional(
    z
      .string()
      .check(
        z.minLength(1, "must not be empty"),
        z.maxLength(MAX_Q_LENGTH, `must be at most ${MAX_Q_LENGTH} characters`),
        z.regex(/^[^\p{Cc}]*$/u, "must not contain control characters"),
      ),
  ),
  provider: z.optional(
    z.enum(PROVIDERS as [Provider, ...Provider[]], { error: `must be one of ${PROVIDERS.join(", ")}` }),
  ),
};
const schema = z.strictObject(shape, { error: objectErrors("unknown query parameter", Object.keys(shape)) });

/** The query schema of `GET /v1/peerings`, for the OpenAPI document (src/channels/http/openapi/). */
export { schema as inventoryQuerySchema };

/**
 * Validates `GET /v1/peerings?groupId=&q=&provider=` (every violation at `query.<name>`). `q` is trimmed: an
 * id pasted with a trailing space or newline still finds its peering.
 *
 * @example validateInventoryQuery({ groupId: "5f1e…", q: " pcx-0a1b " }) // { ok: true, value: { …, q: "pcx-0a1b" } }
 */
export function validateInventoryQuery(
  query: Record<string, string | undefined>,
): Validation<InventoryQuery> {
  const present = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  if (typeof present.q === "string") present.q = present.q.trim();
  const result = fromSafeParse(schema.safeParse(present), "query");
  if (!result.ok) return result;
  const { q, provider } = result.value;
  return {
    ok: true,
    value: {
      groupId: result.value.groupId,
      ...(q === undefined ? {} : { q }),
      ...(provider === undefined ? {} : { provider }),
    },
  };
}
