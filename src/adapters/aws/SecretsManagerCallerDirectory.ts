import { type CallerRegistry, CallerRegistryError, parseCallerRegistry } from "../../access/callers.js";
import type { CallerDirectory } from "../../ports/CallerDirectory.js";
import { type SecretsManagerSecrets, SecretUnavailableError } from "./SecretsManagerSecrets.js";

/** The callers registry as a JSON secret, cached like every secret (so a new caller needs no redeploy). */
export class SecretsManagerCallerDirectory implements CallerDirectory {
  constructor(
    private readonly secrets: SecretsManagerSecrets,
    private readonly secretId: string,
  ) {}

  async registry(): Promise<CallerRegistry> {
    try {
      return parseCallerRegistry(await this.secrets.readJson(this.secretId), `secret ${this.secretId}`);
    } catch (error) {
      if (error instanceof SecretUnavailableError)
        throw new CallerRegistryError(error.message, { cause: error });
      throw error;
    }
  }
}
