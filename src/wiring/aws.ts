import { randomUUID } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretsManagerCallerDirectory } from "../adapters/SecretsManagerCallerDirectory.js";
import { SecretsManagerCredentialSource } from "../adapters/SecretsManagerCredentialSource.js";
import { SecretsManagerSecrets } from "../adapters/SecretsManagerSecrets.js";
import { AtlasClient } from "../atlas/AtlasClient.js";
import { createUndiciTransport } from "../atlas/transport.js";
import { type Config, loadConfig } from "../config.js";
import type { HttpApiDeps } from "../http/HttpApi.js";
import { createLogger } from "../observability/logger.js";

/** Shared by every entry point: built once per container (cold start) and reused while warm. */
export interface AwsDeps extends HttpApiDeps {
  config: Config;
}

/**
 * The production wiring: configuration from the environment, Atlas keys and callers from Secrets Manager,
 * one keep-alive undici Agent for Atlas. Called once at module load by each handler.
 */
export function awsDeps(env: Record<string, string | undefined> = process.env): AwsDeps {
  const config = loadConfig(env);
  const logger = createLogger();
  const secrets = new SecretsManagerSecrets({
    client: new SecretsManagerClient({}),
    maxAgeSeconds: config.secretsMaxAgeSeconds,
  });
  const atlas = new AtlasClient({
    transport: createUndiciTransport(config.atlasTimeouts),
    defaultBaseUrl: config.atlasBaseUrl,
    retry: config.retry,
    onRetry: (event) => logger.warn("retrying Atlas", event),
  });
  return {
    config,
    logger,
    atlas,
    credentials: new SecretsManagerCredentialSource(secrets, {
      defaultSecretId: config.atlasSecretId,
      perProject: config.atlasSecretIdsByProject,
    }),
    callers: new SecretsManagerCallerDirectory(secrets, config.callersSecretId),
    now: Date.now,
    newId: randomUUID,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      signatureToleranceSeconds: config.signatureToleranceSeconds,
    },
  };
}
