/** A service account, as the token cache names it (the secret only seals the token, it is never stored). */
export interface ServiceAccountIdentity {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A bearer token and its times (epoch ms): used until `renewAt`, valid until `expiresAt`. */
export interface SharedToken {
  value: string;
  renewAt: number;
  expiresAt: number;
}

/**
 * One service-account token shared by every Lambda container, so that cold starts do not each mint one: Atlas
 * allows 100 active tokens per service account and answers 403 `access_denied` past that (docs/atlas-api.md
 * §3.2). Implementations keep the token sealed with a key derived from the client secret, only until it
 * expires, and never log it.
 */
export interface SharedTokenCache {
  /** The shared token while it is before `renewAt`; undefined otherwise or when it cannot be unsealed. */
  get(account: ServiceAccountIdentity, now: number): Promise<SharedToken | undefined>;
  /** Shares a freshly minted token (it replaces an older one). */
  put(account: ServiceAccountIdentity, token: SharedToken): Promise<void>;
  /** Forgets the shared token if it is still `value` (Atlas refused it: revoked, or expired early). */
  drop(account: ServiceAccountIdentity, value: string): Promise<void>;
}
