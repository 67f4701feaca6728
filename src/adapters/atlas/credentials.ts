import * as z from "zod/mini";
import type { AtlasCredentials } from "../../ports/AtlasCredentialSource.js";
import { AtlasCredentialsError } from "../../ports/AtlasCredentialSource.js";

const nonEmpty = z.string().check(z.minLength(1));
const url = z.url({ protocol: /^https?$/ });

// The gateway's own shapes, and MongoDB's CloudFormation profile shape (`cfn/atlas/profile/<name>`), so teams
// reuse the secrets they already have. CFN's example template writes `BaseURL`; Go's JSON matching is
// case-insensitive, so both spellings are accepted here too.
const keyShape = z.object({ publicKey: nonEmpty, privateKey: nonEmpty, baseUrl: z.optional(url) });
const keyProfileShape = z.object({
  PublicKey: nonEmpty,
  PrivateKey: nonEmpty,
  BaseUrl: z.optional(url),
  BaseURL: z.optional(url),
});
const accountShape = z.object({ clientId: nonEmpty, clientSecret: nonEmpty, baseUrl: z.optional(url) });
const accountProfileShape = z.object({
  ClientId: nonEmpty,
  ClientSecret: nonEmpty,
  BaseUrl: z.optional(url),
  BaseURL: z.optional(url),
});

const EXPECTED =
  "{publicKey, privateKey, baseUrl?}, {PublicKey, PrivateKey, BaseUrl?}, {clientId, clientSecret, baseUrl?} " +
  "or {ClientId, ClientSecret, BaseUrl?}";

/**
 * Reads Atlas credentials out of a secret's JSON value: API keys, or a service account. A secret holding both
 * is read as the service account, the newer way in, so adding one to an existing key secret switches to it.
 * Throws {@link AtlasCredentialsError} (`malformed`) naming the secret and the fields that are wrong, never
 * their values.
 *
 * @example
 * parseAtlasSecret({ PublicKey: "abcd", PrivateKey: "…" }, "cfn/atlas/profile/default")
 * parseAtlasSecret({ clientId: "mdb_sa_id_…", clientSecret: "mdb_sa_sk_…" }, "gateway/atlas")
 */
export function parseAtlasSecret(value: unknown, secretId: string): AtlasCredentials {
  const account = accountShape.safeParse(value);
  if (account.success) {
    const { clientId, clientSecret, baseUrl } = account.data;
    return withBaseUrl({ kind: "serviceAccount", clientId, clientSecret }, baseUrl);
  }
  const accountProfile = accountProfileShape.safeParse(value);
  if (accountProfile.success) {
    const { ClientId, ClientSecret, BaseUrl, BaseURL } = accountProfile.data;
    return withBaseUrl(
      { kind: "serviceAccount", clientId: ClientId, clientSecret: ClientSecret },
      BaseUrl ?? BaseURL,
    );
  }
  const key = keyShape.safeParse(value);
  if (key.success) {
    const { publicKey, privateKey, baseUrl } = key.data;
    return withBaseUrl({ kind: "apiKey", publicKey, privateKey }, baseUrl);
  }
  const keyProfile = keyProfileShape.safeParse(value);
  if (keyProfile.success) {
    const { PublicKey, PrivateKey, BaseUrl, BaseURL } = keyProfile.data;
    return withBaseUrl({ kind: "apiKey", publicKey: PublicKey, privateKey: PrivateKey }, BaseUrl ?? BaseURL);
  }
  throw new AtlasCredentialsError(
    "malformed",
    `Secret ${secretId} does not hold Atlas credentials: expected ${EXPECTED}; ` +
      `problem with ${problemFields(value).join(", ")}.`,
  );
}

/** The wrong fields of the shape the value looks closest to (by the names it uses), never their values. */
function problemFields(value: unknown): string[] {
  const has = (name: string) => typeof value === "object" && value !== null && name in value;
  const shape =
    has("clientId") || has("clientSecret")
      ? accountShape
      : has("ClientId") || has("ClientSecret")
        ? accountProfileShape
        : has("PublicKey") || has("PrivateKey")
          ? keyProfileShape
          : keyShape;
  const issues = shape.safeParse(value).error?.issues ?? [];
  return [...new Set(issues.map((issue) => issue.path.join(".") || "(value)"))];
}

/** Adds the base URL, without trailing slashes, only when there is one (exactOptionalPropertyTypes). */
function withBaseUrl<T extends AtlasCredentials>(credentials: T, baseUrl: string | undefined): T {
  return baseUrl ? { ...credentials, baseUrl: baseUrl.replace(/\/+$/, "") } : credentials;
}
