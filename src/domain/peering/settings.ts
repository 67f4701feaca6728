/**
 * The body of `PATCH /groups/{groupId}/peers/{peerId}`: Atlas's `BaseNetworkPeeringConnectionSettings`, a
 * `oneOf` discriminated on `providerName`. Bodies are checked here so that Atlas never sees one it would
 * refuse with INVALID_ATTRIBUTE, ATTRIBUTE_READ_ONLY or MISSING_ATTRIBUTE, and the client learns every
 * problem at once instead of one per Atlas round trip.
 */
import * as z from "zod/mini";
import { objectErrors } from "../validation.js";
import {
  byProvider,
  PROVIDER_MODULES,
  PROVIDERS,
  type Provider,
  type ProviderModule,
  providerModule,
} from "./providers/index.js";

export type { Provider } from "./providers/index.js";
export { PROVIDERS } from "./providers/index.js";

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
  return providerModule(settings.providerName).name;
}

/** The names of each provider's writable fields (plans, Slack `field=value` pairs). */
export const WRITABLE_FIELDS: Readonly<Record<Provider, readonly string[]>> = byProvider((provider) =>
  Object.keys(provider.fields),
);

/**
 * Fields Atlas returns but sets itself, each provider's status and error fields among them; sending one earns
 * ATTRIBUTE_READ_ONLY.
 */
const READ_ONLY_FIELDS: readonly string[] = [
  ...new Set([
    "atlasCidrBlock",
    "connectionId",
    "id",
    ...PROVIDERS.flatMap((name) => [PROVIDER_MODULES[name].statusField, PROVIDER_MODULES[name].errorField]),
  ]),
].sort();

/** A key that is declared only so that sending it gets a message saying why it is refused. */
function refused(message: string) {
  return z.exactOptional(z.never({ error: message }));
}

/** Read-only fields and the other providers' fields, each with its own reason, for a body of `provider`. */
function refusedFields(provider: ProviderModule): Record<string, ReturnType<typeof refused>> {
  const shape: Record<string, ReturnType<typeof refused>> = {};
  for (const name of READ_ONLY_FIELDS) shape[name] = refused("is read-only: Atlas sets it");
  for (const owner of PROVIDERS.map((name) => PROVIDER_MODULES[name])) {
    for (const name of Object.keys(owner.fields)) {
      if (name in provider.fields) continue;
      shape[name] = refused(`${name} is ${owner.article} field; this is ${provider.article} peering`);
    }
  }
  return shape;
}

/**
 * The v2 body of `provider`: a strict object of its writable fields and `providerName` (optional only where
 * Atlas assumes the provider). The refused keys are added at run time only: they can never be in a parsed
 * value, so the cast merely keeps them out of the inferred type.
 */
function peeringObject(provider: ProviderModule) {
  const providerName = z.literal(provider.name);
  const shape = {
    providerName: provider.providerNameOptional ? z.optional(providerName) : providerName,
    ...provider.fields,
  };
  const withRefused = { ...refusedFields(provider), ...shape } as typeof shape;
  return z.strictObject(withRefused, {
    error: objectErrors(`unknown field for ${provider.article} peering`, Object.keys(shape)),
  });
}

/** The legacy API treats an absent field as "leave unchanged", so a body with none changes nothing. */
const atLeastOneField = z.refine<object>(
  (value) => Object.keys(value).some((key) => key !== "providerName"),
  "must contain at least one field other than providerName",
);

/**
 * Every field optional and at least one present. A provider whose `providerName` is required gets its
 * literal back so that `providerName` still selects it; only AWS may leave it out.
 */
function partialObject(provider: ProviderModule) {
  const partial = z.exactPartial(peeringObject(provider));
  const selected = provider.providerNameOptional
    ? partial
    : z.extend(partial, { providerName: z.literal(provider.name) });
  return selected.check(atLeastOneField);
}

const providerErrors = (issue: { code?: string; input?: unknown }) => {
  if (issue.code === "invalid_union") return `must be one of ${PROVIDERS.join(", ")}`;
  return issue.input === undefined ? "is required" : "must be a JSON object";
};

/** One schema per provider, in {@link PROVIDERS} order, as `discriminatedUnion` wants them: non-empty. */
type Options<T> = [T, ...T[]];
const modules = PROVIDERS.map((name) => PROVIDER_MODULES[name]);

/**
 * The body schema of each mode. zod's `optional()` types an absent `providerName` as `| undefined` while
 * parsing never writes the key; the cast states the exact type under `exactOptionalPropertyTypes`.
 */
export const peeringSettingsSchemas = {
  full: z.discriminatedUnion(
    "providerName",
    modules.map(peeringObject) as Options<ReturnType<typeof peeringObject>>,
    {
      error: providerErrors,
    },
  ),
  partial: z.discriminatedUnion(
    "providerName",
    modules.map(partialObject) as Options<ReturnType<typeof partialObject>>,
    {
      error: providerErrors,
    },
  ),
} as unknown as Record<SettingsMode, z.ZodMiniType<PeeringSettings>>;
