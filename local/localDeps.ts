import { randomUUID } from "node:crypto";
import { StaticCallerDirectory } from "../src/adapters/StaticCallerDirectory.js";
import { StaticCredentialSource } from "../src/adapters/StaticCredentialSource.js";
import { AtlasClient } from "../src/atlas/AtlasClient.js";
import type { AtlasCredentials } from "../src/atlas/credentials.js";
import { createUndiciTransport } from "../src/atlas/transport.js";
import type { CallerRegistry } from "../src/auth/callers.js";
import type { HttpApiDeps } from "../src/http/HttpApi.js";
import { createLogger } from "../src/observability/logger.js";

export interface LocalDepsOptions {
  atlasBaseUrl: string;
  credentials: AtlasCredentials;
  callers: CallerRegistry;
  logLevel?: string;
}

/**
 * The local stack's wiring: the same use cases and Atlas client as in AWS, with the keys and callers held in
 * memory instead of Secrets Manager. Retries are quick so failure drills finish in seconds.
 */
export function localDeps(options: LocalDepsOptions): HttpApiDeps & { close(): Promise<void> } {
  const logger = createLogger({
    serviceName: "atlas-peering-gateway-local",
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const transport = createUndiciTransport({
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 10_000,
  });
  return {
    logger,
    atlas: new AtlasClient({
      transport,
      defaultBaseUrl: options.atlasBaseUrl,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
      onRetry: (event) => logger.warn("retrying Atlas", event),
    }),
    credentials: new StaticCredentialSource(options.credentials),
    callers: new StaticCallerDirectory(options.callers),
    now: Date.now,
    newId: randomUUID,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    close: () => transport.close(),
  };
}
