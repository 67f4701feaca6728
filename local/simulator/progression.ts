/**
 * Status progression of a simulated peering connection. Everything here is pure: the status is derived from
 * when the progression started and the current time, so an injected clock drives it and no timer has to run
 * (a timer would keep the process alive and make tests wait for real time).
 */

/** The cloud providers Atlas peers with, spelled as Atlas spells `providerName`. */
export const PROVIDERS = ["AWS", "AZURE", "GCP"] as const;

/** One of {@link PROVIDERS}. */
export type ProviderName = (typeof PROVIDERS)[number];

/** The values Atlas documents for AWS `errorStateName`; the control endpoint reuses them for every provider. */
export const ERROR_STATE_NAMES = ["REJECTED", "EXPIRED", "INVALID_ARGUMENT"] as const;

/** One of {@link ERROR_STATE_NAMES}. */
export type ErrorStateName = (typeof ERROR_STATE_NAMES)[number];

/**
 * The statuses a peer walks through after a PATCH, per provider (docs/atlas-api.md §1.3, §4.1). AWS
 * reports them in `statusName`, Azure and GCP in `status`. Azure has no user step, so it never shows
 * WAITING_FOR_USER.
 */
export const STATUS_SEQUENCES: Readonly<Record<ProviderName, readonly string[]>> = {
  AWS: ["INITIATING", "PENDING_ACCEPTANCE", "FINALIZING", "AVAILABLE"],
  AZURE: ["ADDING_PEER", "AVAILABLE"],
  GCP: ["ADDING_PEER", "WAITING_FOR_USER", "AVAILABLE"],
};

/** The step during which the customer has to act on their side (accept the AWS request, create the GCP peering). */
const WAITING_STEPS: Readonly<Record<ProviderName, string | undefined>> = {
  AWS: "PENDING_ACCEPTANCE",
  AZURE: undefined,
  GCP: "WAITING_FOR_USER",
};

/** Where a progression stands: it was at step `startIndex` at time `since` and advances one step per stepMs. */
export interface Progression {
  readonly startIndex: number;
  readonly since: number;
}

/** A progression that starts at the first step now, as after a PATCH. */
export function startProgression(now: number): Progression {
  return { startIndex: 0, since: now };
}

/** A progression that already sits on the last step (AVAILABLE), as the demo peers start. */
export function completedProgression(provider: ProviderName, now: number): Progression {
  return { startIndex: STATUS_SEQUENCES[provider].length - 1, since: now };
}

/** Index into the provider's sequence reached at `now`; clamps at the last step and ignores a clock going back. */
export function stageIndex(
  provider: ProviderName,
  progression: Progression,
  now: number,
  stepMs: number,
  holdForAcceptance = false,
): number {
  const last = STATUS_SEQUENCES[provider].length - 1;
  // Without auto-acceptance the peering waits at the customer's step until someone accepts, as a real one does.
  const waiting = WAITING_STEPS[provider];
  const waitingIndex = waiting === undefined ? -1 : STATUS_SEQUENCES[provider].indexOf(waiting);
  const ceiling = holdForAcceptance && waitingIndex >= progression.startIndex ? waitingIndex : last;
  // A non-positive step means "no waiting at all"; dividing by it would give NaN or a negative count.
  if (stepMs <= 0) return ceiling;
  const elapsedSteps = Math.floor(Math.max(0, now - progression.since) / stepMs);
  return Math.min(ceiling, progression.startIndex + elapsedSteps);
}

/** The status name the provider reports at `now`. */
export function statusAt(
  provider: ProviderName,
  progression: Progression,
  now: number,
  stepMs: number,
  holdForAcceptance = false,
): string {
  const sequence = STATUS_SEQUENCES[provider];
  return sequence[stageIndex(provider, progression, now, stepMs, holdForAcceptance)] ?? "AVAILABLE";
}

/** Whether the progression has reached (or passed) the named status at `now`. */
export function hasReached(
  provider: ProviderName,
  progression: Progression,
  status: string,
  now: number,
  stepMs: number,
): boolean {
  const target = STATUS_SEQUENCES[provider].indexOf(status);
  return target >= 0 && stageIndex(provider, progression, now, stepMs) >= target;
}

/**
 * The progression after the customer accepted at `now`: it moves to the step right after the waiting step and
 * continues from there. A progression already past that point, or a provider without a waiting step (Azure),
 * is returned unchanged because there is nothing to accept.
 */
export function acceptProgression(
  provider: ProviderName,
  progression: Progression,
  now: number,
  stepMs: number,
  holdForAcceptance = false,
): Progression {
  const waiting = WAITING_STEPS[provider];
  if (waiting === undefined) return progression;
  const afterWaiting = STATUS_SEQUENCES[provider].indexOf(waiting) + 1;
  if (stageIndex(provider, progression, now, stepMs, holdForAcceptance) >= afterWaiting) return progression;
  return { startIndex: afterWaiting, since: now };
}

/** Type guard for `providerName` values taken from JSON. */
export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === "string" && (PROVIDERS as readonly string[]).includes(value);
}

/** Type guard for `errorStateName` values taken from JSON. */
export function isErrorStateName(value: unknown): value is ErrorStateName {
  return typeof value === "string" && (ERROR_STATE_NAMES as readonly string[]).includes(value);
}
