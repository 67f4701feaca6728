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

/**
 * What the gateway authenticates to Atlas with: API keys or a service account, and, when the source knows it,
 * the id of the secret they were read from, so an operator told "Atlas refused them" knows which to fix.
 */
export type AtlasCredentials = (AtlasApiKey | AtlasServiceAccount) & { secretId?: string };

/** Why the Atlas keys could not be had. `unreadable` may heal on retry; the others need an operator. */
export type CredentialsProblem = "missing" | "malformed" | "unreadable" | "not-configured";

/**
 * A secret of the gateway's could not be had, for the reason `problem`. `unreadable` may heal on retry (AWS
 * failing); the others need an operator. Messages name the secret's *id*, never its value.
 */
export abstract class SecretProblemError extends GatewayError {
  constructor(
    readonly problem: CredentialsProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get kind(): ErrorKind {
    return this.problem === "unreadable" ? "unavailable" : "misconfigured";
  }
}

/** The gateway could not load the Atlas keys for a project. */
export class AtlasCredentialsError extends SecretProblemError {
  readonly code: string = "atlas-credentials";
  readonly title: string = "The gateway cannot load its Atlas keys";
}

/**
 * Atlas refused the gateway's own credentials even after they were read afresh: a 401, or the key's IP access
 * list refusing the gateway (403 `IP_ADDRESS_NOT_ON_WHITELIST`, `ORG_REQUIRES_WHITELIST`…). This is never the
 * caller's fault, so it is never answered as Atlas's 401/403 (a drop-in caller would read "your token is
 * bad"); an operator must fix the secret or the access list, and the change waits for that as RETRYING. The
 * message names the secret's id (or the project, when the source does not say), never a value.
 */
export class AtlasCredentialsRefusedError extends GatewayError {
  readonly kind: ErrorKind = "misconfigured";
  readonly code: string = "atlas-credentials-refused";
  readonly title: string = "Atlas refused the gateway's credentials";
  constructor(
    readonly groupId: string,
    readonly status: number,
    readonly errorCode?: string,
    readonly secretId?: string,
  ) {
    const secret = secretId ? `secret ${secretId}` : `the Atlas secret of project ${groupId}`;
    const why = errorCode ? `${status} ${errorCode}` : String(status);
    super(
      `Atlas refused the gateway's Atlas credentials (${secret}) for project ${groupId} with ${why}, ` +
        "even after the secret was read again: an operator must fix the secret or its API access list. " +
        "The change is kept and sent again.",
    );
  }

  /** Atlas's status and code, as the gateway records them on the change (the caller's own token is fine). */
  override details(): Record<string, unknown> {
    return { atlas: { httpStatus: this.status, ...(this.errorCode ? { errorCode: this.errorCode } : {}) } };
  }
}
