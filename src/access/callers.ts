import * as z from "zod/mini";
import {
  type AccepterAccounts,
  AccepterAccountsError,
  parseAccepterAccounts,
} from "../domain/accepter/accounts.js";
import type { Channel } from "../domain/channels.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { RateLimit } from "../domain/rateLimit.js";

/**
 * What a grant allows: `read` the peers (the GET routes, the changes and the audit trail), or `change` them
 * too (every change route). Grants written before read-only grants existed have no `access`: they are `change`.
 */
export type GrantAccess = "read" | "change";

/**
 * A project (and optionally only some of its peers) a caller may read, and change unless `access` is `read`.
 * `groupId: "*"` is every project.
 */
export interface ProjectGrant {
  groupId: string;
  peerIds?: string[];
  /** Absent: `change` (see {@link GrantAccess}). */
  access?: GrantAccess;
}

/** A tool, bot or pipeline that may call the gateway. */
export interface Caller {
  id: string;
  /** SHA-256 (hex) of each active bearer token: the tokens themselves are never stored. */
  tokenSha256: string[];
  /** HMAC keys for signed requests; several so a caller can rotate without downtime. */
  signingSecrets: string[];
  projects: ProjectGrant[];
  /** Standard Webhooks secret (`whsec_…`) that signs this caller's callbacks. */
  callbackSecret?: string;
  /** Hosts this caller's `callbackUrl`s may point at (`hooks.example.com`, `*.example.com`); none when absent. */
  callbackHosts?: string[];
  /** Who acts as this caller on each channel that identifies its senders (read it with {@link identitiesOf}). */
  identities?: CallerIdentities;
  /** This caller's own change rate limit; the gateway's default (`RATE_LIMIT_*`) when absent. */
  rateLimit?: RateLimit;
}

/** A Slack workspace (`team_id`) and the users or channels in it that map to a caller. */
export interface SlackIdentity {
  teamId: string;
  userIds?: string[];
  channelIds?: string[];
}

/** An EventBridge `source` (and optionally the `account` it must come from) that maps to a caller. */
export interface EventSourceIdentity {
  source: string;
  account?: string;
}

/**
 * The identity that maps a sender on a channel to a caller, by channel name (`CHANNELS` in
 * src/domain/channels.ts). Every channel but `http` has one: HTTP callers authenticate with tokens and
 * signatures. Adding a channel is one entry here (and its schema below, which the compiler asks for).
 */
export interface ChannelIdentities {
  slack: SlackIdentity;
  eventbridge: EventSourceIdentity;
}

/** The channels whose senders are mapped to callers by identity. */
export type IdentityChannel = Exclude<Channel, "http">;

/** A caller's identities, one list per channel; a channel without a list maps no one to the caller. */
export type CallerIdentities = { [C in IdentityChannel]?: ChannelIdentities[C][] };

/** The registry's old top-level keys for some channels' identities: still accepted, meaning the same. */
const LEGACY_KEYS: { readonly [C in IdentityChannel]?: "slack" | "eventSources" } = {
  slack: "slack",
  eventbridge: "eventSources",
};

/**
 * The caller's identities on `channel`: `identities[channel]`, then (for callers built in code rather than
 * parsed, which never keep the old keys) the channel's old top-level key.
 *
 * @example identitiesOf(caller, "slack") // [{ teamId: "T0123ABCD", userIds: ["U0456EFGH"] }]
 */
export function identitiesOf<C extends IdentityChannel>(caller: Caller, channel: C): ChannelIdentities[C][] {
  return caller.identities?.[channel] ?? [];
}

export interface CallerRegistry {
  callers: Caller[];
  /** Where the gateway accepts peerings on the owner's behalf (`awsAccounts`, accepter/accounts.ts). */
  awsAccounts?: AccepterAccounts;
}

/** The callers registry could not be loaded or is not valid. Says where, never what the secrets are. */
export class CallerRegistryError extends GatewayError {
  readonly kind: ErrorKind = "misconfigured";
  readonly code: string = "callers-registry";
  readonly title: string = "The gateway cannot load its callers";

  /**
   * Whoever asks is not authenticated yet (the registry is what authenticates them): the message names the
   * secret and what is wrong with it, which is for the log line, never for an anonymous caller.
   */
  override get detail(): string {
    return "The gateway's caller registry cannot be read.";
  }
}

const hex24 = z.string().check(z.regex(/^[a-f0-9]{24}$/, "must be 24 lowercase hex characters"));
const grant = z.strictObject({
  groupId: z.union([z.literal("*"), hex24]),
  peerIds: z.optional(z.array(hex24)),
  access: z.optional(z.enum(["read", "change"], { error: 'must be "read" or "change"' })),
});
/** One schema per entry of {@link ChannelIdentities}. */
const identitySchemas = {
  slack: z.strictObject({
    teamId: z.string().check(z.regex(/^[TE][A-Z0-9]{2,}$/, "must be a Slack team id such as T0123ABCD")),
    userIds: z.optional(z.array(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id")))),
    channelIds: z.optional(
      z.array(z.string().check(z.regex(/^[CGD][A-Z0-9]{2,}$/, "must be a Slack channel id"))),
    ),
  }),
  eventbridge: z.strictObject({
    source: z.string().check(z.minLength(1), z.maxLength(256)),
    account: z.optional(z.string().check(z.regex(/^\d{12}$/, "must be a 12-digit AWS account id"))),
  }),
} satisfies { [C in IdentityChannel]: z.ZodMiniType };
const IDENTITY_CHANNELS = Object.keys(identitySchemas) as IdentityChannel[];
const identityList = <C extends IdentityChannel>(channel: C) => z.optional(z.array(identitySchemas[channel]));
const identityLists = Object.fromEntries(IDENTITY_CHANNELS.map((c) => [c, identityList(c)])) as {
  [C in IdentityChannel]: ReturnType<typeof identityList<C>>;
};
const caller = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9][\w.@:-]{0,127}$/, "must be 1-128 of A-Z a-z 0-9 _ . @ : -")),
  description: z.optional(z.string()),
  tokenSha256: z._default(z.array(z.string().check(z.regex(/^[a-f0-9]{64}$/, "must be SHA-256 hex"))), []),
  signingSecrets: z._default(
    z.array(z.string().check(z.minLength(16, "must be at least 16 characters"))),
    [],
  ),
  projects: z.array(grant),
  callbackSecret: z.optional(
    z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, "must be whsec_ followed by base64")),
  ),
  callbackHosts: z._default(z.array(z.string().check(z.minLength(1))), []),
  identities: z.optional(z.strictObject(identityLists)),
  rateLimit: z.optional(
    z.strictObject({
      perMinute: z.number().check(z.positive("must be a positive number"), z.maximum(6_000)),
      burst: z.number().check(z.int(), z.minimum(1), z.maximum(1_000)),
    }),
  ),
  // The old top-level keys (see LEGACY_KEYS), folded into `identities` by toCaller.
  slack: identityList("slack"),
  eventSources: identityList("eventbridge"),
});
const registry = z.strictObject({ callers: z.array(caller), awsAccounts: z.optional(z.unknown()) });

/**
 * Validates a callers registry (from Secrets Manager, or a file locally). Throws {@link CallerRegistryError}
 * naming the bad entries by path only. Identities come keyed by channel (`identities.slack`,
 * `identities.eventbridge`); the old top-level `slack` and `eventSources` keys are still accepted and are
 * merged into `identities`, so a parsed caller only ever has `identities`.
 *
 * @example
 * parseCallerRegistry({ callers: [{ id: "ci", tokenSha256: ["…"], projects: [{ groupId: "*" }] }] }, "file x.json")
 */
export function parseCallerRegistry(value: unknown, source: string): CallerRegistry {
  const result = registry.safeParse(value);
  if (!result.success) {
    const where = result.error.issues.map((issue) => describeIssue(issue));
    throw new CallerRegistryError(`The callers registry in ${source} is not valid: ${where.join("; ")}`);
  }
  const ids = result.data.callers.map((c) => c.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate)
    throw new CallerRegistryError(`The callers registry in ${source} lists caller ${duplicate} twice`);
  const awsAccounts = accepterAccountsOf(result.data.awsAccounts, source);
  return {
    callers: result.data.callers.map((entry) => toCaller(entry)),
    ...(awsAccounts.size === 0 ? {} : { awsAccounts }),
  };
}

/** `awsAccounts`; a bad one fails the registry like a bad caller, naming fields by path (never a value). */
function accepterAccountsOf(section: unknown, source: string): AccepterAccounts {
  try {
    return parseAccepterAccounts(section, source);
  } catch (error) {
    if (!(error instanceof AccepterAccountsError)) throw error;
    throw new CallerRegistryError(error.message, { cause: error });
  }
}

/** `path: message`; an unknown key is named, and one under `identities` is said not to be a channel. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join(".");
  if (issue.code !== "unrecognized_keys") return `${path}: ${issue.message}`;
  const underIdentities = issue.path.at(-1) === "identities";
  return issue.keys
    .map((key) => {
      if (!underIdentities) return `${path}.${key}: unknown key`;
      const why =
        key === "http"
          ? "http callers authenticate with tokenSha256 or signingSecrets, not identities"
          : `not a channel with caller identities (${IDENTITY_CHANNELS.join(", ")})`;
      return `${path}.${key}: ${why}`;
    })
    .join("; ");
}

type ParsedCaller = z.output<typeof caller>;

/** Drops absent optional fields (exactOptionalPropertyTypes) and folds the old identity keys into `identities`. */
function toCaller(entry: ParsedCaller): Caller {
  const { id, tokenSha256, signingSecrets, projects, callbackSecret, callbackHosts, rateLimit } = entry;
  const identities = toIdentities(entry);
  return {
    id,
    tokenSha256,
    signingSecrets,
    projects: projects.map((p) => compact<ProjectGrant>(p)),
    callbackHosts,
    ...(callbackSecret === undefined ? {} : { callbackSecret }),
    ...(identities === undefined ? {} : { identities }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}

/**
 * Each channel's list: `identities.<channel>` followed by the channel's old top-level key, when both are
 * given (an identity maps whoever it names, so the order never changes who is which caller). `undefined`
 * when no channel has a list.
 */
function toIdentities(entry: ParsedCaller): CallerIdentities | undefined {
  const lists: Partial<Record<IdentityChannel, object[]>> = {};
  for (const channel of IDENTITY_CHANNELS) {
    const key = LEGACY_KEYS[channel];
    const given = [entry.identities?.[channel], key === undefined ? undefined : entry[key]];
    const present = given.filter((list) => list !== undefined);
    if (present.length > 0) lists[channel] = present.flat().map((identity) => compact<object>(identity));
  }
  return Object.keys(lists).length === 0 ? undefined : (lists as CallerIdentities);
}

/** Copies `value` without its undefined entries. */
function compact<T>(value: object): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
