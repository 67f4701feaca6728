import type { ReplayGuard } from "../../ports/ReplayGuard.js";
import type { SlackSigningSecrets } from "../../ports/SlackSigningSecrets.js";
import type { ChangeDeps } from "../../usecases/ChangeDeps.js";

/**
 * What the Slack channel needs: the change use cases' ports, the Slack app's signing secret(s), and the replay
 * guard that refuses a signed command delivered twice.
 */
export interface SlackDeps extends ChangeDeps {
  slackSigningSecrets: SlackSigningSecrets;
  replay: ReplayGuard;
}
