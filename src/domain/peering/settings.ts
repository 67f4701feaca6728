/**
 * The body of `PATCH /groups/{groupId}/peers/{peerId}`: Atlas's `BaseNetworkPeeringConnectionSettings`, a
 * `oneOf` discriminated on `providerName`. Bodies are checked here so that Atlas never sees one it would
 * refuse with INVALID_ATTRIBUTE, ATTRIBUTE_READ_ONLY or MISSING_ATTRIBUTE, and the client learns every
 * problem at once instead of one per Atlas round trip.
 */
import * as z from "zod/mini";
import { objectErrors } from "../validation.js";
import {
  accepterRegionName,
  awsAccountId,
  azureDirectoryId,
  azureSubscriptionId,
  containerId,
  gcpProjectId,
  networkName,
  resourceGroupName,
  routeTableCidrBlock,
  vnetName,
  vpcId,
} from "./fields.js";

/** The cloud providers Atlas peers with. */
export type Provider = "AWS" | "AZURE" | "GCP";

/** The providers in the order Atlas lists them; used in messages. */
export const PROVIDERS: readonly Provider[] = ["AWS", "AZURE", "GCP"];

/**
 * `"full"`: the v2 schema, every writable field of the provider required. `"partial"`: the legacy v1.0 API,
 * whose doc says "you may specify any of the following parameters", so any non-empty subset is accepted.
 */
export type SettingsMode = "full" | "partial";

/** An AWS peering. `providerName` may be left out: Atlas then assumes AWS. */
export interface AwsPeeringSettings {
  providerName?: "AWS";
  accepterRegionName?: string;
  awsAccountId?: string;
  containerId?: string;
  routeTableCidrBlock?: string;
  vpcId?: string;
}

/** An Azure peering. */
export interface AzurePeeringSettings {
  providerName: "AZURE";
  azureDirectoryId?: string;
  azureSubscriptionId?: string;
  containerId?: string;
  resourceGroupName?: string;
  vnetName?: string;
}

/** A GCP peering. */
export interface GcpPeeringSettings {
  providerName: "GCP";
  containerId?: string;
  gcpProjectId?: string;
  networkName?: string;
}

/** A validated peering body, as it will be forwarded to Atlas. */
export type PeeringSettings = AwsPeeringSettings | AzurePeeringSettings | GcpPeeringSettings;

/**
 * The provider a body is for; AWS when `providerName` is absent, as Atlas does.
 *
 * @example providerOf({ routeTableCidrBlock: "10.15.0.0/24" }) // "AWS"
 */
export function providerOf(settings: PeeringSettings): Provider {
  return settings.providerName ?? "AWS";
}

/** The writable fields of each provider, as the v2 schema lists them. */
const FIELDS = {
  AWS: { accepterRegionName, awsAccountId, containerId, routeTableCidrBlock, vpcId },
  AZURE: { azureDirectoryId, azureSubscriptionId, containerId, resourceGroupName, vnetName },
  GCP: { containerId, gcpProjectId, networkName },
} as const;

/** The names of each provider's writable fields (plans, Slack `field=value` pairs). */
export const WRITABLE_FIELDS: Readonly<Record<Provider, readonly string[]>> = {
  AWS: Object.keys(FIELDS.AWS),
  AZURE: Object.keys(FIELDS.AZURE),
  GCP: Object.keys(FIELDS.GCP),
};

/** Fields Atlas returns but sets itself; sending one earns ATTRIBUTE_READ_ONLY. */
const READ_ONLY_FIELDS = [
  "atlasCidrBlock",
  "connectionId",
  "errorMessage",
  "errorState",
  "errorStateName",
  "id",
  "status",
  "statusName",
] as const;

const NAMED: Record<Provider, string> = { AWS: "an AWS", AZURE: "an AZURE", GCP: "a GCP" };

/** A key that is declared only so that sending it gets a message saying why it is refused. */
function refused(message: string) {
  return z.exactOptional(z.never({ error: message }));
}

/** Read-only fields and the other providers' fields, each with its own reason, for a `provider` body. */
function refusedFields(provider: Provider): Record<string, ReturnType<typeof refused>> {
  const shape: Record<string, ReturnType<typeof refused>> = {};
  for (const name of READ_ONLY_FIELDS) shape[name] = refused("is read-only: Atlas sets it");
  for (const owner of PROVIDERS) {
    for (const name of Object.keys(FIELDS[owner])) {
      if (name in FIELDS[provider]) continue;
      shape[name] = refused(`${name} is ${NAMED[owner]} field; this is ${NAMED[provider]} peering`);
    }
  }
  return shape;
}

/**
 * A strict object of `shape` for `provider`. The refused keys are added at run time only: they can never be
 * in a parsed value, so the cast merely keeps them out of the inferred type.
 */
function peeringObject<S extends z.core.$ZodLooseShape>(provider: Provider, shape: S) {
  const allowed = Object.keys(shape);
  const withRefused = { ...refusedFields(provider), ...shape } as S;
  return z.strictObject(withRefused, {
    error: objectErrors(`unknown field for ${NAMED[provider]} peering`, allowed),
  });
}

const aws = peeringObject("AWS", { providerName: z.optional(z.literal("AWS")), ...FIELDS.AWS });
const azure = peeringObject("AZURE", { providerName: z.literal("AZURE"), ...FIELDS.AZURE });
const gcp = peeringObject("GCP", { providerName: z.literal("GCP"), ...FIELDS.GCP });

/** The legacy API treats an absent field as "leave unchanged", so a body with none changes nothing. */
const atLeastOneField = z.refine<object>(
  (value) => Object.keys(value).some((key) => key !== "providerName"),
  "must contain at least one field other than providerName",
);

/**
 * Every field optional and at least one present. Azure and GCP get their required literal back so that
 * `providerName` still selects them; only AWS may leave it out.
 */
const partial = {
  aws: z.exactPartial(aws).check(atLeastOneField),
  azure: z.extend(z.exactPartial(azure), { providerName: z.literal("AZURE") }).check(atLeastOneField),
  gcp: z.extend(z.exactPartial(gcp), { providerName: z.literal("GCP") }).check(atLeastOneField),
};

const providerErrors = (issue: { code?: string; input?: unknown }) => {
  if (issue.code === "invalid_union") return `must be one of ${PROVIDERS.join(", ")}`;
  return issue.input === undefined ? "is required" : "must be a JSON object";
};

/**
 * The body schema of each mode. zod's `optional()` types an absent `providerName` as `| undefined` while
 * parsing never writes the key; the cast states the exact type under `exactOptionalPropertyTypes`.
 */
export const peeringSettingsSchemas = {
  full: z.discriminatedUnion("providerName", [aws, azure, gcp], { error: providerErrors }),
  partial: z.discriminatedUnion("providerName", [partial.aws, partial.azure, partial.gcp], {
    error: providerErrors,
  }),
} as Record<SettingsMode, z.ZodMiniType<PeeringSettings>>;
