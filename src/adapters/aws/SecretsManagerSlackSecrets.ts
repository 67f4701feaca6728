import * as z from "zod/mini";
import { SlackSecretError } from "../../ports/SlackSigningSecrets.js";
import { type SecretsManagerSecrets, SecretUnavailableError } from "./SecretsManagerSecrets.js";

// `{"signingSecret": "…"}`, or several while the Slack app's secret is rotated.
const shape = z.union([
  z.object({ signingSecret: z.string().check(z.minLength(1)) }),
  z.object({ signingSecrets: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)) }),
]);

/**
 * The Slack app's signing secret(s) from Secrets Manager (cached like every secret). Without a configured
 * secret id chatops is not set up: `missing`, like a secret that does not exist. A secret that cannot be
 * had is a {@link SlackSecretError}: `missing` when it does not exist (chatops not set up), `malformed` when
 * it is not of the shape below.
 */
export function slackSigningSecretsFrom(
  secrets: SecretsManagerSecrets,
  secretId: string | undefined,
): () => Promise<string[]> {
  return async () => {
    if (secretId === undefined) {
      throw new SlackSecretError("missing", "", "SLACK_SIGNING_SECRET_ID is not set.");
    }
    let value: unknown;
    try {
      value = await secrets.readJson(secretId);
    } catch (error) {
      if (error instanceof SecretUnavailableError)
        throw new SlackSecretError(error.problem, secretId, error.message, { cause: error });
      throw error;
    }
    const parsed = shape.safeParse(value);
    if (!parsed.success) {
      throw new SlackSecretError(
        "malformed",
        secretId,
        `Secret ${secretId} must hold {"signingSecret": "…"} or {"signingSecrets": ["…"]}.`,
      );
    }
    return "signingSecret" in parsed.data ? [parsed.data.signingSecret] : parsed.data.signingSecrets;
  };
}
