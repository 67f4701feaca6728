/**
 * Dry-run plans: what a change would do to a peer, compared field by field with the peer as Atlas has it,
 * before anything is sent. Atlas's PATCH accepts some fields it cannot apply in place
 * (docs/atlas-api.md §1.4); the plan says so up front — a warning when Atlas re-initialises the peering, a
 * refusal when Atlas would answer 400 or the field can only change by deleting and re-creating the peering.
 * Pure: no I/O.
 */
import { type Provider, providerModule } from "../peering/providers/index.js";
import { WRITABLE_FIELDS } from "../peering/settings.js";

/** One field whose value would change; `current` is null when Atlas has no value or the peer was not read. */
export interface FieldChange {
  field: string;
  current: string | null;
  desired: string;
}

/**
 * What a change would do. `noop`: the peer already has every desired value. `refusal`: why the change must not
 * be sent at all (absent when it may be).
 */
export interface ChangePlan {
  diff: FieldChange[];
  noop: boolean;
  warnings: string[];
  refusal?: string;
}

const UNREAD_WARNING =
  "could not read the current peer; every desired field is shown as a change, and fields Atlas cannot change in place were not checked";

/** Code-unit order, so a plan never depends on the locale. */
function byField(a: FieldChange, b: FieldChange): number {
  return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
}

/** Atlas answers strings or null; anything else is treated as "no value" rather than guessed at. */
function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The desired writable fields of `provider` that are strings (validation has already refused the rest). */
function desiredFields(provider: Provider, desired: Record<string, unknown>): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const field of WRITABLE_FIELDS[provider] ?? []) {
    const value = desired[field];
    if (typeof value === "string") fields.push([field, value]);
  }
  return fields;
}

/**
 * Whether `field` would change. Atlas returns a null `accepterRegionName` when the VPC is in the container's
 * region (docs/atlas-api.md §1.3), so a desired region against null is not a change (the Kubernetes
 * operator agrees).
 */
function differs(field: string, current: string | null, desired: string): boolean {
  if (field === "accepterRegionName" && current === null) return false;
  return current !== desired;
}

/** Warnings and refusal reasons that follow from the fields that change, for a peer that was read. */
function assess(provider: Provider, changed: readonly string[]): { warnings: string[]; refusals: string[] } {
  const warnings: string[] = [];
  const refusals: string[] = [];
  const among = (names: readonly string[]) => names.filter((name) => changed.includes(name));
  if (changed.includes("containerId")) {
    refusals.push("containerId cannot change: a peering belongs to its network container for good");
  }
  if (changed.includes("accepterRegionName")) {
    warnings.push(
      "Atlas may not update accepterRegionName in place (the Kubernetes operator treats it as fixed)",
    );
  }
  // The provider's own: fields whose change re-initialises the peering, and fields Atlas cannot update in place.
  // (`unknown`: a provider read back from a store is not re-checked, and an unknown one has neither.)
  const { reinitialising, fixed } = providerModule(provider as unknown) ?? {};
  if (reinitialising && among(reinitialising.fields).length > 0) warnings.push(reinitialising.warning);
  const unchangeable = fixed ? among(fixed.fields) : [];
  if (fixed && unchangeable.length > 0) refusals.push(`${unchangeable.join(", ")} ${fixed.reason}`);
  return { warnings, refusals };
}

/**
 * Compares the writable fields of `desired` with `current` (the peer as Atlas returned it, or undefined when it
 * could not be read). Read-only fields and `providerName` are never compared. When the peer could not be read,
 * every desired field is a change and no refusal is made: Atlas judges the PATCH itself.
 *
 * @example
 * planChange("AWS", { routeTableCidrBlock: "10.0.0.0/24", statusName: "AVAILABLE" },
 *   { routeTableCidrBlock: "10.1.0.0/24" });
 * // { diff: [{ field: "routeTableCidrBlock", current: "10.0.0.0/24", desired: "10.1.0.0/24" }],
 * //   noop: false, warnings: [] }
 */
export function planChange(
  provider: Provider,
  current: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): ChangePlan {
  const fields = desiredFields(provider, desired);
  if (current === undefined) {
    const diff = fields.map(([field, value]) => ({ field, current: null, desired: value }));
    return { diff: diff.sort(byField), noop: false, warnings: [UNREAD_WARNING] };
  }
  const diff = fields
    .map(([field, value]) => ({ field, current: text(current[field]), desired: value }))
    .filter((change) => differs(change.field, change.current, change.desired))
    .sort(byField);
  // Only a value Atlas reported can be "changed": a field it left out or null is being set, not changed.
  const { warnings, refusals } = assess(
    provider,
    diff.filter((change) => change.current !== null).map((change) => change.field),
  );
  const plan: ChangePlan = { diff, noop: diff.length === 0, warnings };
  if (refusals.length > 0) {
    plan.refusal = `${refusals.join("; ")}; delete and re-create the peering instead`;
  }
  return plan;
}

/**
 * Overlays the fields a caller gave (a Slack command's `field=value` pairs, a partial `peering` of the HTTP
 * API) on the peer as Atlas returned it, giving a full body to validate: `providerName` and the provider's
 * writable fields of `current` (read-only fields and nulls dropped: Atlas refuses the former, and a null
 * `accepterRegionName` means "the container's region", which leaving the field out keeps), then every field
 * in `fields`, values as given. Fields are kept even when they name no writable field, so that validation
 * refuses a typo by name instead of the change silently doing nothing. The peer's fields keep their order.
 *
 * @example
 * mergeFields({ id: "…", providerName: "AWS", vpcId: "vpc-0123456789abcdef0", statusName: "AVAILABLE" },
 *   { routeTableCidrBlock: "10.1.0.0/24" });
 * // { providerName: "AWS", vpcId: "vpc-0123456789abcdef0", routeTableCidrBlock: "10.1.0.0/24" }
 */
export function mergeFields(
  current: Record<string, unknown>,
  fields: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  if (current.providerName !== undefined && current.providerName !== null) {
    merged.providerName = current.providerName;
  }
  // `current.providerName` as a provider: AWS when absent, as Atlas does; none of its fields when unknown.
  const provider = providerModule(current.providerName);
  for (const field of provider ? WRITABLE_FIELDS[provider.name] : []) {
    const value = current[field];
    if (value !== undefined && value !== null) merged[field] = value;
  }
  return { ...merged, ...fields };
}
