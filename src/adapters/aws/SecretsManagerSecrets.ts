import { GetParameterError } from "@aws-lambda-powertools/parameters";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretProblemError } from "../../ports/AtlasCredentialSource.js";

/** A secret could not be had. The message names the secret id and why, never the value. */
export class SecretUnavailableError extends SecretProblemError {
  readonly code: string = "secret-unavailable";
  readonly title: string = "A secret could not be read";
}

/**
 * Reads JSON secrets from AWS Secrets Manager through Powertools Parameters, which caches each value for
 * `maxAgeSeconds` across warm invocations of one container. Failures become {@link SecretUnavailableError}s
 * whose messages name the secret id and the kind of failure, never the value.
 */
export class SecretsManagerSecrets {
  private readonly provider: SecretsProvider;

  constructor(options: { client: SecretsManagerClient; maxAgeSeconds: number }) {
    this.provider = new SecretsProvider({ awsSdkV3Client: options.client });
    this.maxAgeSeconds = options.maxAgeSeconds;
  }

  private readonly maxAgeSeconds: number;

  /** The secret's value parsed as JSON. `forceFetch` skips the cache (after a 401 from Atlas). */
  async readJson(secretId: string, options: { forceFetch?: boolean } = {}): Promise<unknown> {
    let raw: string | Uint8Array | undefined;
    try {
      raw = await this.provider.get(secretId, {
        maxAge: this.maxAgeSeconds,
        forceFetch: options.forceFetch ?? false,
      });
    } catch (error) {
      throw describeReadFailure(secretId, error);
    }
    if (raw === undefined) throw new SecretUnavailableError("missing", `Secret ${secretId} has no value.`);
    const text = typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
    try {
      return JSON.parse(text);
    } catch {
      // Never attach the parse error: its message quotes part of the secret.
      throw new SecretUnavailableError("malformed", `Secret ${secretId} is not valid JSON.`);
    }
  }
}

function describeReadFailure(secretId: string, error: unknown): SecretUnavailableError {
  const cause = error instanceof GetParameterError && error.cause ? error.cause : error;
  const name = cause instanceof Error ? cause.name : "UnknownError";
  if (name === "ResourceNotFoundException") {
    return new SecretUnavailableError("missing", `Secret ${secretId} does not exist.`, { cause });
  }
  if (name === "AccessDeniedException" || name === "DecryptionFailure") {
    return new SecretUnavailableError(
      "not-configured",
      `The gateway may not read secret ${secretId} (${name}).`,
      {
        cause,
      },
    );
  }
  return new SecretUnavailableError("unreadable", `Secret ${secretId} could not be read (${name}).`, {
    cause,
  });
}
