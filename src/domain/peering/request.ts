/**
 * Entry points that validate what a client sends: the peering body, the `{groupId}`/`{peerId}` path
 * parameters, Atlas's `pretty`/`envelope` query flags, and the body of `POST /v1/peering-changes`. Each
 * returns every violation at once (see {@link Validation}); none throws on bad input.
 */
import * as z from "zod/mini";
import { fromSafeParse, objectErrors, type Validation } from "../validation.js";
import { groupId, peerId } from "./fields.js";
import { type PeeringSettings, peeringSettingsSchemas, type SettingsMode } from "./settings.js";

/**
 * Validates a peering body in `mode` ("full": the v2 schema; "partial": the legacy v1.0 API). Paths are
 * placed under `pathPrefix` when the body is nested in a larger request.
 *
 * @example
 * validatePeeringSettings({ routeTableCidrBlock: "10.15.0.0/24" }, "partial");
 * // { ok: true, value: { routeTableCidrBlock: "10.15.0.0/24" } }
 * validatePeeringSettings({ providerName: "GCP", vpcId: "vpc-7b64b41e" }, "partial");
 * // { ok: false, errors: [{ path: "vpcId", message: "vpcId is an AWS field; this is a GCP peering" }] }
 */
export function validatePeeringSettings(
  input: unknown,
  mode: SettingsMode,
  pathPrefix?: string,
): Validation<PeeringSettings> {
  return fromSafeParse(peeringSettingsSchemas[mode].safeParse(input), pathPrefix);
}

/** Extra keys a router may add are ignored: only the two ids belong to this resource. */
const peerPathSchema = z.object({ groupId, peerId });

/**
 * Validates the path parameters of `/groups/{groupId}/peers/{peerId}`; violations are at `path.groupId`
 * and `path.peerId`.
 *
 * @example
 * validatePeerPath({ groupId: "5356823b3794dee37132bb7b", peerId: "1112222B3BF99403840E8934" });
 * // { ok: false, errors: [{ path: "path.peerId", message: "must be 24 lowercase hex characters, …" }] }
 */
export function validatePeerPath(params: {
  groupId?: string;
  peerId?: string;
}): Validation<{ groupId: string; peerId: string }> {
  return fromSafeParse(peerPathSchema.safeParse(params), "path");
}

/** Atlas's query flags that the gateway passes through; both default to false at Atlas. */
export interface AtlasQuery {
  pretty?: boolean;
  envelope?: boolean;
}

/** Only the literal strings: `?pretty=1` or `?pretty=yes` would be silently misread otherwise. */
const flag = z.pipe(
  z.enum(["true", "false"], { error: 'must be "true" or "false"' }),
  z.transform((value) => value === "true"),
);

const atlasQueryShape = { envelope: z.exactOptional(flag), pretty: z.exactOptional(flag) };
export const atlasQuerySchema = z.strictObject(atlasQueryShape, {
  error: objectErrors("unknown query parameter", Object.keys(atlasQueryShape)),
});

/**
 * Validates the query string of a peering request; unknown parameters are refused at `query.<name>`.
 *
 * @example
 * validateAtlasQuery({ pretty: "true" }); // { ok: true, value: { pretty: true } }
 */
export function validateAtlasQuery(query: Record<string, string | undefined>): Validation<AtlasQuery> {
  // API Gateway types query values as possibly undefined; such a parameter was not sent, so it is dropped.
  const sent = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  return fromSafeParse(atlasQuerySchema.safeParse(sent), "query");
}

const reason = z
  .string({ error: "must be a JSON string of 1 to 500 characters" })
  .check(
    z.refine(
      (value: string) => value.trim().length > 0 && value.length <= 500,
      "must be 1 to 500 characters and not only whitespace",
    ),
  );

/**
 * The body of `POST /v1/peering-changes`. New top-level fields (e.g. `callbackUrl`, `dryRun`) are added
 * here and nowhere else: the allowed-field message and {@link ChangeRequestInput} follow from this shape.
 */
const callbackUrl = z
  .string()
  .check(z.maxLength(2048, "must be at most 2048 characters"), z.url({ error: "must be an absolute URL" }));

const changeRequestShape = {
  groupId,
  peerId,
  peering: peeringSettingsSchemas.full,
  reason: z.exactOptional(reason),
  /** Where to POST the signed outcome; the host must be on the caller's allowlist (checked by policy). */
  callbackUrl: z.exactOptional(callbackUrl),
  /** Plan only: read the peer, answer the per-field diff, change nothing. */
  dryRun: z.exactOptional(z.boolean({ error: "must be true or false" })),
};

export const changeRequestSchema = z.strictObject(changeRequestShape, {
  error: objectErrors("unknown field for a peering change request", Object.keys(changeRequestShape)),
});

/** A validated peering change request: which peering to change, its full new settings, and why. */
export interface ChangeRequestInput extends z.output<typeof changeRequestSchema> {}

/**
 * The body of `POST /v1/peering-changes` as the HTTP API takes it: the same members, but `peering` may name
 * only the fields to change (any non-empty subset, each checked as in full mode); the gateway reads the peer
 * and fills in the rest before the whole is validated again (src/usecases/completePeering.ts).
 */
const partialChangeRequestShape = { ...changeRequestShape, peering: peeringSettingsSchemas.partial };

export const partialChangeRequestSchema = z.strictObject(partialChangeRequestShape, {
  error: objectErrors("unknown field for a peering change request", Object.keys(partialChangeRequestShape)),
});

/** A validated change request whose `peering` may be partial (see {@link isWholePeering}). */
export interface PartialChangeRequestInput extends z.output<typeof partialChangeRequestSchema> {}

/**
 * Validates the body of `POST /v1/peering-changes`: `groupId`, `peerId`, `peering` (full mode, violations
 * at `peering.<field>`) and an optional `reason`. Violations in the ids and the peering come together.
 *
 * @example
 * validateChangeRequest({ groupId: "5356823b3794dee37132bb7b", peerId: "1112222b3bf99403840e8934",
 *   peering: { providerName: "GCP", containerId: "5e57d85c854180642f7844bf",
 *     gcpProjectId: "my-proj-123", networkName: "default" } });
 * // { ok: true, value: { groupId: …, peerId: …, peering: { providerName: "GCP", … } } }
 */
export function validateChangeRequest(input: unknown): Validation<ChangeRequestInput> {
  return fromSafeParse(changeRequestSchema.safeParse(input));
}

/**
 * Validates the body of `POST /v1/peering-changes` with a peering that may be partial: every violation that
 * can be found without reading the peer (ids, unknown or misspelt fields, wrong types and forms, another
 * provider's fields, an empty peering) comes in one result, before anything is read.
 *
 * @example
 * validatePartialChangeRequest({ groupId: "5356823b3794dee37132bb7b", peerId: "1112222b3bf99403840e8934",
 *   peering: { routeTableCidrBlock: "10.13.0.0/21" } });
 * // { ok: true, value: { groupId: …, peerId: …, peering: { routeTableCidrBlock: "10.13.0.0/21" } } }
 */
export function validatePartialChangeRequest(input: unknown): Validation<PartialChangeRequestInput> {
  return fromSafeParse(partialChangeRequestSchema.safeParse(input));
}

/**
 * Whether a peering body is whole: the full (v2) schema takes it as it is, so it is forwarded as the caller
 * wrote it. Any other body that passed {@link validatePartialChangeRequest} lacks only fields the peer holds.
 *
 * @example isWholePeering({ routeTableCidrBlock: "10.13.0.0/21" }) // false: no containerId
 */
export function isWholePeering(peering: unknown): boolean {
  return validatePeeringSettings(peering, "full").ok;
}
