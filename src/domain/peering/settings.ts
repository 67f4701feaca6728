/**
 * The body of `PATCH /groups/{groupId}/peers/{peerId}`: Atlas's `BaseNetworkPeeringConnectionSettings`, a
 * `oneOf` discriminated on `providerName`. A body is refused here only for what Atlas refuses itself
 * (INVALID_ATTRIBUTE, ATTRIBUTE_READ_ONLY, MISSING_ATTRIBUTE) or cannot do, so that a client learns every
 * problem at once instead of one per Atlas round trip, and is never stricter than Atlas (Terraform's own
 * update bodies are the test: test/fixtures/clients/).
 */
import * as z from "zod/mini";
import { objectErrors, REQUIRED_MESSAGE, WRONG_JSON_TYPE } from "../validation.js";
import { NULLABLE_FIELDS } from "./fields.js";
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
 * `"full"`: the v2 API. Only `containerId` is required, the one field the base schema requires: the provider
 * schemas list more, but Atlas does not enforce them on PATCH — Terraform updates an Azure or GCP peering with
 * `{providerName, containerId}` alone (PR #2299, #2306) and the Go SDK's own example sends `{containerId}`.
 * `"partial"`: the legacy v1.0 API, whose doc says "you may specify any of the following parameters", so any
 * non-empty subset is accepted.
 */
export type SettingsMode = "full" | "partial";

/** An AWS peering. `providerName` may be left out: Atlas then assumes AWS. */
export interface AwsPeeringSettings {
  providerName?: "AWS";
  /** null: the VPC is in the container's region, as Atlas itself answers (docs/atlas-api.md §1.3). */
  accepterRegionName?: string | null;
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

/** The message for a read-only field (Atlas's ATTRIBUTE_READ_ONLY). */
export const READ_ONLY_MESSAGE = "is read-only: Atlas sets it";

/** The fields the v2 base schema requires of every provider (`BaseNetworkPeeringConnectionSettings.required`). */
const V2_REQUIRED: ReadonlySet<string> = new Set(["containerId"]);

/** A key that is declared only so that sending it gets a message saying why it is refused. */
function refused(message: string) {
  return z.exactOptional(z.never({ error: message }));
}

/** Read-only fields and the other providers' fields, each with its own reason, for a body of `provider`. */
function refusedFields(provider: ProviderModule): Record<string, ReturnType<typeof refused>> {
  const shape: Record<string, ReturnType<typeof refused>> = {};
  for (const name of READ_ONLY_FIELDS) shape[name] = refused(READ_ONLY_MESSAGE);
  for (const owner of PROVIDERS.map((name) => PROVIDER_MODULES[name])) {
    for (const name of Object.keys(owner.fields)) {
      if (name in provider.fields) continue;
      shape[name] = refused(`${name} is ${owner.article} field; this is ${provider.article} peering`);
    }
  }
  return shape;
}

/** A writable field's schema in `mode`: optional unless v2 requires it, and nullable where Atlas answers null. */
function fieldSchema(name: string, schema: z.ZodMiniType<string>, mode: SettingsMode) {
  const value = NULLABLE_FIELDS.has(name) ? z.nullable(schema) : schema;
  return mode === "full" && V2_REQUIRED.has(name) ? value : z.exactOptional(value);
}

/**
 * The body of `provider` in `mode`: a strict object of its writable fields and `providerName` (optional only
 * where Atlas assumes the provider, so that `providerName` still selects the others). The refused keys are
 * added at run time only: they can never be in a parsed value, so the cast merely keeps them out of the
 * inferred type.
 */
function peeringObject(provider: ProviderModule, mode: SettingsMode) {
  const providerName = z.literal(provider.name);
  const fields = Object.entries(provider.fields).map(([name, schema]) => [
    name,
    fieldSchema(name, schema, mode),
  ]);
  const shape = {
    providerName: provider.providerNameOptional ? z.optional(providerName) : providerName,
    ...(Object.fromEntries(fields) as Record<string, ReturnType<typeof fieldSchema>>),
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

/** Every field optional, and at least one present. */
function partialObject(provider: ProviderModule) {
  return peeringObject(provider, "partial").check(atLeastOneField);
}

const providerErrors = (issue: { code?: string; input?: unknown }) => {
  if (issue.code === "invalid_union") return `must be one of ${PROVIDERS.join(", ")}`;
  return issue.input === undefined ? REQUIRED_MESSAGE : `${WRONG_JSON_TYPE}object`;
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
    modules.map((module) => peeringObject(module, "full")) as Options<ReturnType<typeof peeringObject>>,
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
