import * as z from "zod/mini";
import { CallerRegistryError } from "../auth/callers.js";
import type { SecretsManagerSecrets } from "./SecretsManagerSecrets.js";

// `{"signingSecret": "…"}`, or several while the Slack app's secret is rotated.
const shape = z.union([
  z.object({ signingSecret: z.string().check(z.minLength(1)) }),
  z.object({ signingSecrets: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)) }),
]);

/**
 * The Slack app's signing secret(s) from Secrets Manager (cached like every secret). Without a configured
 * secret there is nothing to verify against, so every Slack request is refused.
 */
export function slackSigningSecretsFrom(
  secrets: SecretsManagerSecrets,
  secretId: string | undefined,
): () => Promise<string[]> {
  return async () => {
    if (secretId === undefined) return [];
    const parsed = shape.safeParse(await secrets.readJson(secretId));
    if (!parsed.success) {
      throw new CallerRegistryError(
        `Secret ${secretId} must hold {"signingSecret": "…"} or {"signingSecrets": ["…"]}.`,
      );
    }
    return "signingSecret" in parsed.data ? [parsed.data.signingSecret] : parsed.data.signingSecrets;
  };
}
