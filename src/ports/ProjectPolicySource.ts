import type { ProjectPolicy } from "../domain/policy/projectPolicy.js";
import { SecretProblemError } from "./AtlasCredentialSource.js";

/**
 * Where the gateway reads the project policy (a secret in AWS, a file locally). `undefined`: no policy is
 * configured, so nothing is restricted (as before policies existed). Throws {@link PolicyUnavailableError}
 * when a policy is configured but cannot be had: a change is then refused as the gateway's own failure
 * (5xx), never allowed unchecked and never blamed on the caller.
 */
export interface ProjectPolicySource {
  policy(): Promise<ProjectPolicy | undefined>;
}

/** No policy: every change the other checks admit is allowed (tests, and stacks without a policy secret). */
export const NO_POLICY: ProjectPolicySource = { policy: async () => undefined };

/**
 * The project policy is configured but could not be loaded (unreadable, not JSON, an unknown key): 503 while
 * AWS fails to read it, else 500. The message names the secret and each problem by path (for the log); the
 * caller is told only that the policy cannot be loaded, as the document is the platform team's, not theirs.
 */
export class PolicyUnavailableError extends SecretProblemError {
  readonly code: string = "policy-unavailable";
  readonly title: string = "The gateway cannot load its project policy";
  override get detail(): string {
    return "The gateway's project policy cannot be loaded, so no change is admitted; an operator must fix it. Nothing was sent.";
  }
}
