import type { AtlasCredentialSource } from "../../ports/AtlasCredentialSource.js";
import { type AtlasCredentials, AtlasCredentialsError } from "../../ports/AtlasCredentialSource.js";
import { parseAtlasSecret } from "../atlas/credentials.js";
import { type SecretsManagerSecrets, SecretUnavailableError } from "./SecretsManagerSecrets.js";

/**
 * Atlas keys from Secrets Manager: one default secret, and optionally a secret per project (`groupId`) for
 * teams whose projects live in different Atlas organisations.
 */
export class SecretsManagerCredentialSource implements AtlasCredentialSource {
  constructor(
    private readonly secrets: SecretsManagerSecrets,
    private readonly secretIds: { defaultSecretId: string; perProject: Readonly<Record<string, string>> },
  ) {}

  async credentialsFor(groupId: string, options: { refresh?: boolean } = {}): Promise<AtlasCredentials> {
    const secretId = this.secretIds.perProject[groupId] ?? this.secretIds.defaultSecretId;
    try {
      const value = await this.secrets.readJson(secretId, { forceFetch: options.refresh ?? false });
      // The id (never the value) goes with the keys, so a refusal by Atlas can say which secret to fix.
      return { ...parseAtlasSecret(value, secretId), secretId };
    } catch (error) {
      if (error instanceof SecretUnavailableError) {
        throw new AtlasCredentialsError(error.problem, error.message, { cause: error });
      }
      throw error;
    }
  }
}
