import { z } from "zod/mini";
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
    callers: result.data.callers.map(
      ({ id, tokenSha256, signingSecrets, projects, callbackSecret, callbackHosts }) => ({
        id,
        tokenSha256,
        signingSecrets,
        projects: projects.map((p) =>
          p.peerIds ? { groupId: p.groupId, peerIds: p.peerIds } : { groupId: p.groupId },
        ),
        callbackHosts,
        ...(callbackSecret === undefined ? {} : { callbackSecret }),
      }),
    ),
  };
}
