import * as z from "zod/mini";
import { GatewayError } from "../errors.js";

/** A project (and optionally only some of its peers) a caller may change. `groupId: "*"` is every project. */
export interface ProjectGrant {
  groupId: string;
  peerIds?: string[];
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
  /** Slack users (or channels) of a workspace who act as this caller through the slash command. */
  slack?: SlackIdentity[];
  /** EventBridge sources (optionally only from one account) whose `Peering Change Requested` events act as this caller. */
  eventSources?: EventSourceIdentity[];
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

export interface CallerRegistry {
  callers: Caller[];
}

/** The callers registry could not be loaded or is not valid. Says where, never what the secrets are. */
export class CallerRegistryError extends GatewayError {}

const hex24 = z.string().check(z.regex(/^[a-f0-9]{24}$/, "must be 24 lowercase hex characters"));
const grant = z.strictObject({
  groupId: z.union([z.literal("*"), hex24]),
  peerIds: z.optional(z.array(hex24)),
});
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
  slack: z.optional(
    z.array(
      z.strictObject({
        teamId: z.string().check(z.regex(/^[TE][A-Z0-9]{2,}$/, "must be a Slack team id such as T0123ABCD")),
        userIds: z.optional(
          z.array(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id"))),
        ),
        channelIds: z.optional(
          z.array(z.string().check(z.regex(/^[CGD][A-Z0-9]{2,}$/, "must be a Slack channel id"))),
        ),
      }),
    ),
  ),
  eventSources: z.optional(
    z.array(
      z.strictObject({
        source: z.string().check(z.minLength(1), z.maxLength(256)),
        account: z.optional(z.string().check(z.regex(/^\d{12}$/, "must be a 12-digit AWS account id"))),
      }),
    ),
  ),
});
const registry = z.strictObject({ callers: z.array(caller) });

/**
 * Validates a callers registry (from Secrets Manager, or a file locally). Throws {@link CallerRegistryError}
 * naming the bad entries by path only.
 *
 * @example
 * parseCallerRegistry({ callers: [{ id: "ci", tokenSha256: ["…"], projects: [{ groupId: "*" }] }] }, "file x.json")
 */
export function parseCallerRegistry(value: unknown, source: string): CallerRegistry {
  const result = registry.safeParse(value);
  if (!result.success) {
    const where = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new CallerRegistryError(`The callers registry in ${source} is not valid: ${where.join("; ")}`);
  }
  const ids = result.data.callers.map((c) => c.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate)
    throw new CallerRegistryError(`The callers registry in ${source} lists caller ${duplicate} twice`);
  return {
    callers: result.data.callers.map((entry) => toCaller(entry)),
  };
}

type ParsedCaller = z.output<typeof caller>;

/** Drops absent optional fields (exactOptionalPropertyTypes) and normalises the nested identities. */
function toCaller(entry: ParsedCaller): Caller {
  const { id, tokenSha256, signingSecrets, projects, callbackSecret, callbackHosts, slack, eventSources } =
    entry;
  return {
    id,
    tokenSha256,
    signingSecrets,
    projects: projects.map((p) =>
      p.peerIds ? { groupId: p.groupId, peerIds: p.peerIds } : { groupId: p.groupId },
    ),
    callbackHosts,
    ...(callbackSecret === undefined ? {} : { callbackSecret }),
    ...(slack === undefined ? {} : { slack: slack.map((s) => compact<SlackIdentity>(s)) }),
    ...(eventSources === undefined
      ? {}
      : { eventSources: eventSources.map((e) => compact<EventSourceIdentity>(e)) }),
  };
}

/** Copies `value` without its undefined entries. */
function compact<T>(value: object): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
