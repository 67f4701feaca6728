/**
 * The query strings of the read routes, `GET /groups/{groupId}/peers/{peerId}` (`getGroupPeer`) and
 * `GET /groups/{groupId}/peers` (`listGroupPeers`), checked as Atlas's spec constrains them
 * (docs/atlas-api.md §1.2: mongodb-atlas-cli `tools/internal/specs/spec.yaml`, `components.parameters`).
 * Only what the caller sent is forwarded: Atlas applies its own defaults (providerName AWS, pageNum 1,
 * itemsPerPage 100, includeCount true, pretty and envelope false).
 */
import * as z from "zod/mini";
import { fromSafeParse, objectErrors, type Validation } from "../validation.js";
import { groupId } from "./fields.js";
import { PROVIDERS, type Provider } from "./settings.js";

/** Atlas's query of the list: its paging, the provider whose peers it lists, and the two flags. */
export interface PeerListQuery {
  providerName?: Provider;
  pageNum?: number;
  itemsPerPage?: number;
  includeCount?: boolean;
  pretty?: boolean;
  envelope?: boolean;
}

/** Only the literal strings: `?includeCount=1` would be read one way by us and maybe another by Atlas. */
const flag = z.pipe(
  z.enum(["true", "false"], { error: 'must be "true" or "false"' }),
  z.transform((value) => value === "true"),
);

/** A decimal integer in [min, max], written without sign or leading zeros, so Atlas reads the same number. */
function integer(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.pipe(
    z
      .string()
      .check(
        z.refine(
          (value) => /^[1-9][0-9]{0,9}$/.test(value) && Number(value) >= min && Number(value) <= max,
          message,
        ),
      ),
    z.transform(Number),
  );
}

/** Atlas's `pageNum` has no maximum; its ids and counts are 32-bit, so a larger page cannot exist. */
const INT32_MAX = 2_147_483_647;

const listShape = {
  providerName: z.exactOptional(
    z.enum(PROVIDERS as [Provider, ...Provider[]], { error: `must be one of ${PROVIDERS.join(", ")}` }),
  ),
  pageNum: z.exactOptional(integer(1, INT32_MAX)),
  itemsPerPage: z.exactOptional(integer(1, 500)),
  includeCount: z.exactOptional(flag),
  pretty: z.exactOptional(flag),
  envelope: z.exactOptional(flag),
};
export const listSchema = z.strictObject(listShape, {
  error: objectErrors("unknown query parameter", Object.keys(listShape)),
});

/**
 * Validates the query of the peer list; every violation at `query.<name>`, unknown parameters by name.
 *
 * @example
 * validatePeerListQuery({ providerName: "GCP", itemsPerPage: "500" });
 * // { ok: true, value: { providerName: "GCP", itemsPerPage: 500 } }
 * validatePeerListQuery({ pageNum: "0", itemsPerPage: "501" });
 * // { ok: false, errors: [{ path: "query.itemsPerPage", … }, { path: "query.pageNum", … }] }
 */
export function validatePeerListQuery(query: Record<string, string | undefined>): Validation<PeerListQuery> {
  // API Gateway types query values as possibly undefined; such a parameter was not sent, so it is dropped.
  const sent = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  return fromSafeParse(listSchema.safeParse(sent), "query");
}

const groupPathSchema = z.object({ groupId });

/** Validates `{groupId}` of `/groups/{groupId}/peers`; a violation is at `path.groupId`. */
export function validateGroupPath(params: { groupId?: string }): Validation<{ groupId: string }> {
  return fromSafeParse(groupPathSchema.safeParse(params), "path");
}
