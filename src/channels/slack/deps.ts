import type { SlackSigningSecrets } from "../../ports/SlackSigningSecrets.js";
import type { ChangeDeps } from "../../usecases/ChangeDeps.js";

/** What the Slack channel needs: the change use cases' ports and the Slack app's signing secret(s). */
export interface SlackDeps extends ChangeDeps {
  slackSigningSecrets: SlackSigningSecrets;
}
