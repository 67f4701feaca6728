import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The cold-start baseline: the least any Lambda that reads its keys from Secrets Manager loads. Like the
 * gateway's handlers it builds its client at import; the handler references the command so neither is
 * tree-shaken. Bundled by bench/artefact.ts with the same esbuild settings as the handlers.
 */
const client = new SecretsManagerClient({});

export const handler = async () =>
  client.send(new GetSecretValueCommand({ SecretId: process.env.ATLAS_SECRET_ID ?? "atlas" }));
