/**
 * What the gateway knows about one cloud provider, as data: one module per provider (`aws.ts`, `azure.ts`,
 * `gcp.ts`), gathered in `index.ts`. The body schemas, the plans' warnings and refusals, the status fields
 * read from Atlas and the next-action text all derive from these modules; adding a provider is one module
 * here (and its behaviour in the simulator, `local/simulator/`).
 */
import type * as z from "zod/mini";

/** The cloud providers Atlas peers with: Atlas's `providerName`. */
export type Provider = "AWS" | "AZURE" | "GCP";

/** Writable fields whose change Atlas accepts but which have a consequence the plan warns about. */
export interface ReinitialisingFields {
  fields: readonly string[];
  /** The plan's warning when any of them changes. */
  warning: string;
}

/** Writable fields Atlas cannot update in place: a change to one is refused before anything is sent. */
export interface FixedFields {
  fields: readonly string[];
  /** Follows the changed field names in the refusal, e.g. "cannot be changed in place (…)". */
  reason: string;
}

/** Atlas's side of the peering, from the peer's network container, as far as it was read. */
export interface NextActionContainer {
  atlasCidrBlock?: string;
  /** AWS: Atlas's name of the container's region, e.g. `US_EAST_1`. */
  regionName?: string;
  gcpProjectId?: string;
  networkName?: string;
}

/**
 * What a next action may use of the change, besides its desired body: what Atlas answered (the peer's settings
 * as it returned them win over the body, which a v1.0 change may have sent only in part) and the container.
 */
export interface NextActionChange {
  peerId?: string;
  atlas: { connectionId?: string; peer?: Readonly<Record<string, string | null>> };
  container?: NextActionContainer;
}

/** The change's desired body, as next actions read it. */
export type DesiredSettings = Readonly<Record<string, string | undefined>>;

/** One provider. */
export interface ProviderModule {
  /** Atlas's `providerName`. */
  name: Provider;
  /** The name with its article, as messages use it: "an AWS", "a GCP". */
  article: string;
  /** The writable fields of the v2 schema, each with its validator (`fields.ts`); "full" mode requires only containerId. */
  fields: Readonly<Record<string, z.ZodMiniType<string>>>;
  /** Whether a body may leave `providerName` out (Atlas then assumes this provider); at most one provider. */
  providerNameOptional: boolean;
  /** Fields whose change re-initialises the peering, if any. */
  reinitialising?: ReinitialisingFields;
  /** Fields Atlas cannot update in place, if any. */
  fixed?: FixedFields;
  /** The field of an Atlas peer body that holds the peer's status. */
  statusField: string;
  /** The field of an Atlas peer body that holds the peer's error, when it has one. */
  errorField: string;
  /**
   * What a person must do on the cloud side while Atlas waits (PENDING_ACCEPTANCE / WAITING_FOR_USER), in
   * words a platform engineer can act on; `desired` is the change's body.
   */
  nextAction(change: NextActionChange, desired: DesiredSettings): string;
  /**
   * The same step as commands to paste: only values of a known shape are put in (a shell reads them); a value
   * nobody knows yet, or only the user does, is a `<placeholder>`.
   */
  nextCommands(change: NextActionChange, desired: DesiredSettings): string[];
}
