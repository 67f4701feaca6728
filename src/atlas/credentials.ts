import { z } from "zod/mini";
import { AtlasCredentialsError } from "./errors.js";

/** Atlas programmatic API keys (HTTP Digest: public key = username, private key = password). */
export interface AtlasCredentials {
  publicKey: string;
  privateKey: string;
  /** Where this key's Atlas lives (e.g. Atlas for Government); the configured base URL otherwise. */
  baseUrl?: string;
}

const nonEmpty = z.string().check(z.minLength(1));
const url = z.url({ protocol: /^https?$/ });

// The gateway's own shape, and MongoDB's CloudFormation profile shape (`cfn/atlas/profile/<name>`), so teams
// reuse the secrets they already have. CFN's example template writes `BaseURL`; Go's JSON matching is
// case-insensitive, so both spellings are accepted here too.
const gatewayShape = z.object({ publicKey: nonEmpty, privateKey: nonEmpty, baseUrl: z.optional(url) });
const profileShape = z.object({
  PublicKey: nonEmpty,
  PrivateKey: nonEmpty,
  BaseUrl: z.optional(url),
  BaseURL: z.optional(url),
});

/**
 * Reads Atlas keys out of a secret's JSON value. Throws {@link AtlasCredentialsError} (`malformed`) naming the
 * secret and the fields that are wrong, never their values.
 *
 * @example
 * parseAtlasSecret({ PublicKey: "abcd", PrivateKey: "…" }, "cfn/atlas/profile/default")
 */
export function parseAtlasSecret(value: unknown, secretId: string): AtlasCredentials {
  const own = gatewayShape.safeParse(value);
  if (own.success) return withBaseUrl(own.data.publicKey, own.data.privateKey, own.data.baseUrl);
  const profile = profileShape.safeParse(value);
  if (profile.success) {
    const { PublicKey, PrivateKey, BaseUrl, BaseURL } = profile.data;
    return withBaseUrl(PublicKey, PrivateKey, BaseUrl ?? BaseURL);
  }
  const fields = [...new Set(own.error.issues.map((issue) => issue.path.join(".") || "(value)"))];
  throw new AtlasCredentialsError(
    "malformed",
    `Secret ${secretId} does not hold Atlas API keys: expected {publicKey, privateKey, baseUrl?} or ` +
      `{PublicKey, PrivateKey, BaseUrl?}; problem with ${fields.join(", ")}.`,
  );
}

function withBaseUrl(publicKey: string, privateKey: string, baseUrl: string | undefined): AtlasCredentials {
  return baseUrl
    ? { publicKey, privateKey, baseUrl: baseUrl.replace(/\/+$/, "") }
    : { publicKey, privateKey };
}
