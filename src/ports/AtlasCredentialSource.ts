import { type ErrorKind, GatewayError } from "../domain/errors.js";

/** Where the gateway gets the Atlas keys for a project. */
export interface AtlasCredentialSource {
  /**
   * The keys for `groupId`. `refresh: true` bypasses any cache: used once after Atlas answers 401, so a
   * rotated key is picked up without a redeploy. Throws `AtlasCredentialsError`.
   */
  credentialsFor(groupId: string, options?: { refresh?: boolean }): Promise<AtlasCredentials>;
}

/** Atlas programmatic API keys (HTTP Digest: public key = username, private key = password). */
export interface AtlasApiKey {
  kind: "apiKey";
  publicKey: string;
  privateKey: string;
  /** Where this key's Atlas lives (e.g. Atlas for Government); the configured base URL otherwise. */
  baseUrl?: string;
}

/** An Atlas service account (OAuth 2.0 client credentials: the secret buys short-lived bearer tokens). */
export interface AtlasServiceAccount {
  kind: "serviceAccount";
  clientId: string;
  clientSecret: string;
  /** Where this account's Atlas lives (e.g. Atlas for Government); the configured base URL otherwise. */
  baseUrl?: string;
}

/** What the gateway authenticates to Atlas with: API keys or a service account. */
export type AtlasCredentials = AtlasApiKey | AtlasServiceAccount;

/** Why the Atlas keys could not be had. `unreadable` may heal on retry; the others need an operator. */
export type CredentialsProblem = "missing" | "malformed" | "unreadable" | "not-configured";

/**
 * The gateway could not load the Atlas keys for a project. The message names the problem and the secret's
 * *id*, never its value.
 */
export class AtlasCredentialsError extends GatewayError {
  readonly code: string = "atlas-credentials";
  readonly title: string = "The gateway cannot load its Atlas keys";
  constructor(
    readonly problem: CredentialsProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `unreadable` may heal on retry (AWS failing); the others need an operator. */
  get kind(): ErrorKind {
    return this.problem === "unreadable" ? "unavailable" : "misconfigured";
  }
}
