import type { AtlasCredentials } from "../atlas/credentials.js";

/** Where the gateway gets the Atlas keys for a project. */
export interface AtlasCredentialSource {
  /**
   * The keys for `groupId`. `refresh: true` bypasses any cache: used once after Atlas answers 401, so a
   * rotated key is picked up without a redeploy. Throws `AtlasCredentialsError`.
   */
  credentialsFor(groupId: string, options?: { refresh?: boolean }): Promise<AtlasCredentials>;
}
