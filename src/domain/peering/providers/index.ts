/** The provider modules, and the lookups everything else derives provider knowledge from. */
import { aws } from "./aws.js";
import { azure } from "./azure.js";
import { gcp } from "./gcp.js";
import type { Provider, ProviderModule } from "./provider.js";

export type {
  FixedFields,
  NextActionChange,
  Provider,
  ProviderModule,
  ReinitialisingFields,
} from "./provider.js";

/** Every provider's module, by name. */
export const PROVIDER_MODULES: Readonly<Record<Provider, ProviderModule>> = {
  AWS: aws,
  AZURE: azure,
  GCP: gcp,
};

/** The providers in the order Atlas lists them; used in messages. */
export const PROVIDERS: readonly Provider[] = ["AWS", "AZURE", "GCP"];

const optional = PROVIDERS.filter((name) => PROVIDER_MODULES[name].providerNameOptional);
const assumed = optional.length === 1 ? optional[0] : undefined;
if (assumed === undefined) throw new Error("exactly one provider module must have providerNameOptional");
/** The provider Atlas assumes when `providerName` is absent. */
const ASSUMED: ProviderModule = PROVIDER_MODULES[assumed];

/**
 * The module for a `providerName` as a body or Atlas gives it: the assumed provider (AWS) when it is absent
 * (undefined or null), undefined when it names no provider.
 *
 * @example providerModule(undefined).name // "AWS"
 * @example providerModule("IBM") // undefined
 */
export function providerModule(name: Provider | undefined): ProviderModule;
export function providerModule(name: unknown): ProviderModule | undefined;
export function providerModule(name: unknown): ProviderModule | undefined {
  if (name === undefined || name === null) return ASSUMED;
  const provider = PROVIDERS.find((known) => known === name);
  return provider === undefined ? undefined : PROVIDER_MODULES[provider];
}

/**
 * A record with one entry per provider, each `of` its module.
 *
 * @example byProvider((module) => module.article) // { AWS: "an AWS", AZURE: "an AZURE", GCP: "a GCP" }
 */
export function byProvider<T>(of: (module: ProviderModule) => T): Record<Provider, T> {
  const entries = PROVIDERS.map((name) => [name, of(PROVIDER_MODULES[name])] as const);
  return Object.fromEntries(entries) as Record<Provider, T>;
}
