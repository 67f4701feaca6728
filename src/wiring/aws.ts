import { randomUUID } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AtlasClient } from "../adapters/atlas/AtlasClient.js";
import { PowertoolsChangeMetrics } from "../adapters/aws/PowertoolsChangeMetrics.js";
import { SecretsManagerCallerDirectory } from "../adapters/aws/SecretsManagerCallerDirectory.js";
import { SecretsManagerCredentialSource } from "../adapters/aws/SecretsManagerCredentialSource.js";
import { secretsManagerCursorKey } from "../adapters/aws/SecretsManagerCursorKey.js";
import { SecretsManagerPolicySource } from "../adapters/aws/SecretsManagerPolicySource.js";
import { SecretsManagerSecrets } from "../adapters/aws/SecretsManagerSecrets.js";
import { slackSigningSecretsFrom } from "../adapters/aws/SecretsManagerSlackSecrets.js";
import { AesGcmCursorSealer } from "../adapters/crypto/AesGcmCursorSealer.js";
import { createLazyUndiciTransport } from "../adapters/http/lazyTransport.js";
import { StandardWebhooksNotifier } from "../adapters/webhooks/StandardWebhooksNotifier.js";
import { SlackChangeReplier } from "../channels/slack/SlackChangeReplier.js";
import { SlackResponseUrlReplies } from "../channels/slack/SlackResponseUrlReplies.js";
import type { HttpHandlerDeps } from "../lambda/httpHandler.js";
import { createLogger } from "../observability/logger.js";
import type { DriftStore } from "../ports/DriftStore.js";
import { lazyAwsAdapters } from "./awsAdapters.js";
import { awsClientConfig } from "./clientConfig.js";
import { type Config, loadConfig } from "./config.js";

/** Shared by every entry point: built once per container (cold start) and reused while warm. */
export interface AwsDeps extends HttpHandlerDeps {
  config: Config;
  /** The drift check's storage (the sweeper's only). */
  driftStore: DriftStore;
}

/**
 * The production wiring: configuration from the environment, Atlas keys and callers from Secrets Manager
 * (loaded at once: every request needs the callers), changes in DynamoDB, re-checks through EventBridge
 * Scheduler, events on EventBridge and one keep-alive undici Agent for Atlas and callbacks — those loaded on
 * first use (see lazy.ts). Called once at module load by each handler.
 */
export function awsDeps(env: Record<string, string | undefined> = process.env): AwsDeps {
  const config = loadConfig(env);
  const logger = createLogger(config.logging);
  const secretsClient = new SecretsManagerClient(awsClientConfig(env, "SECRETS_MANAGER"));
  const secrets = new SecretsManagerSecrets({
    client: secretsClient,
    maxAgeSeconds: config.secretsMaxAgeSeconds,
  });
  const registrySecrets = new SecretsManagerSecrets({
    client: secretsClient,
    maxAgeSeconds: config.callersMaxAgeSeconds,
  });
  const transport = createLazyUndiciTransport(config.atlasTimeouts);
  const warn = (message: string, attributes?: object) => logger.warn(message, { ...attributes });
  const { atlasBudget, tokenCache, ...adapters } = lazyAwsAdapters(config, logger, env);
  const budget = config.atlasRateBudget;
  return {
    config,
    logger,
    atlas: new AtlasClient({
      transport,
      defaultBaseUrl: config.atlasBaseUrl,
      retry: config.retry,
      onRetry: (event) => logger.warn("retrying Atlas", event),
      // Every container draws from one Atlas budget and shares one service-account token (both in DynamoDB).
      ...(budget
        ? {
            rateBudget: {
              store: atlasBudget,
              settings: budget,
              onError: (error: unknown) =>
                logger.warn("Atlas rate budget unavailable", { error: error as Error }),
            },
          }
        : {}),
      sharedTokens: tokenCache,
    }),
    credentials: new SecretsManagerCredentialSource(secrets, {
      defaultSecretId: config.atlasSecretId,
      perProject: config.atlasSecretIdsByProject,
    }),
    // Its own cache, shorter than the Atlas keys': a token removed from the registry stops working sooner.
    callers: new SecretsManagerCallerDirectory(registrySecrets, config.callersSecretId),
    // Cached as the registry is: a tightened policy applies within CALLERS_MAX_AGE_SECONDS.
    policy: new SecretsManagerPolicySource(registrySecrets, config.policySecretId, {
      maxAgeSeconds: config.callersMaxAgeSeconds,
    }),
    ...adapters,
    metrics: new PowertoolsChangeMetrics({ serviceName: config.logging.serviceName, stage: config.stage }),
    slackSigningSecrets: slackSigningSecretsFrom(secrets, config.slackSigningSecretId),
    cursors: new AesGcmCursorSealer(
      secretsManagerCursorKey(secrets, config.cursorSecretId, config.changesTable),
    ),
    // One replier per channel that answers later (a new channel adds its own here).
    repliers: [
      new SlackChangeReplier(
        new SlackResponseUrlReplies({
          transport,
          allowedHosts: config.slackReplyHosts,
          ...(config.slackResponseBaseUrl ? { redirectBaseUrl: config.slackResponseBaseUrl } : {}),
          logger: { warn },
        }),
      ),
    ],
    callbacks: new StandardWebhooksNotifier({ transport }),
    cadence: config.cadence,
    now: Date.now,
    newId: randomUUID,
    random: Math.random,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      signatureToleranceSeconds: config.signatureToleranceSeconds,
    },
  };
}
