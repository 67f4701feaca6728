import { type ProjectPolicy, parseProjectPolicy } from "../../domain/policy/projectPolicy.js";
import { PolicyUnavailableError, type ProjectPolicySource } from "../../ports/ProjectPolicySource.js";
import { type SecretsManagerSecrets, SecretUnavailableError } from "./SecretsManagerSecrets.js";

/**
 * The project policy as a JSON secret, cached like the callers registry (a tightened policy applies within
 * `maxAgeSeconds`). A secret that does not exist is no policy, and that answer is cached too, so a stack
 * without a policy pays no Secrets Manager call per change. Any other failure — denied, unreadable, not JSON,
 * not a valid policy — is {@link PolicyUnavailableError}: no change is admitted unchecked.
 */
export class SecretsManagerPolicySource implements ProjectPolicySource {
  private absentUntil = 0;

  constructor(
    private readonly secrets: SecretsManagerSecrets,
    private readonly secretId: string | undefined,
    private readonly options: { maxAgeSeconds: number; now?: () => number },
  ) {}

  async policy(): Promise<ProjectPolicy | undefined> {
    if (this.secretId === undefined) return undefined;
    const now = (this.options.now ?? Date.now)();
    if (now < this.absentUntil) return undefined;
    let value: unknown;
    try {
      value = await this.secrets.readJson(this.secretId);
    } catch (error) {
      if (!(error instanceof SecretUnavailableError)) throw error;
      if (error.problem === "missing") {
        this.absentUntil = now + this.options.maxAgeSeconds * 1000;
        return undefined;
      }
      throw new PolicyUnavailableError(error.problem, error.message, { cause: error });
    }
    const parsed = parseProjectPolicy(value);
    if (parsed.ok) return parsed.policy;
    throw new PolicyUnavailableError(
      "malformed",
      `The project policy in secret ${this.secretId} is not valid: ${parsed.problems.join("; ")}`,
    );
  }
}
