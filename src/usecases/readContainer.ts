import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { containerFromAnswer, containerToRead } from "../domain/change/observed.js";
import type { AtlasCredentialSource } from "../ports/AtlasCredentialSource.js";
import type { AtlasPeeringApi } from "../ports/AtlasPeeringApi.js";
import type { Logger } from "../ports/Logger.js";

export interface ContainerReadDeps {
  credentials: AtlasCredentialSource;
  atlas: AtlasPeeringApi;
  logger: Logger;
  now: () => number;
}

/**
 * The longest the read may hold up recording the change: its outcome is written after it, and a PATCH's
 * outcome must be written while the invocation still can (the Slack path has 2.5 s in all).
 */
const CONTAINER_READ_MS = 2_000;
/** Below this much time left, the read is not started: the next check reads it. */
const MIN_LEFT_MS = 500;

/**
 * `next` with the peer's network container, read once, when the change has just waited for a person and has
 * none yet (containerToRead), so the next action the notification carries names Atlas's CIDR, region or GCP
 * network. Never fails the change: a read Atlas refused (4xx) is remembered as read with nothing learnt, so it
 * is not repeated; one that found Atlas unavailable (429, 5xx, no answer, no keys), or had no time, leaves the
 * change as it was, and the next check while it waits tries again. Only a GET: nothing here may send a PATCH.
 */
export async function withContainer(
  next: ChangeRecord,
  deps: ContainerReadDeps,
  deadline: number,
): Promise<ChangeRecord> {
  const containerId = containerToRead(next);
  if (containerId === undefined) return next;
  const until = Math.min(deadline, deps.now() + CONTAINER_READ_MS);
  if (until - deps.now() < MIN_LEFT_MS) return next;
  try {
    const keys = await deps.credentials.credentialsFor(next.groupId);
    const call = { groupId: next.groupId, containerId, apiVersion: "v2" as const };
    const answer = await deps.atlas.getContainer(keys, call, { deadline: until });
    if (answer.status === 200) return { ...next, container: containerFromAnswer(containerId, answer.body) };
    if (answer.status === 429 || answer.status >= 500 || answer.status === 401) {
      logSkipped(next, deps, `Atlas answered ${answer.status}`);
      return next;
    }
    logSkipped(next, deps, `Atlas refused it (${answer.status}); not read again`);
    return { ...next, container: { id: containerId } };
  } catch (error) {
    logSkipped(next, deps, (error as Error).message);
    return next;
  }
}

function logSkipped(change: ChangeRecord, deps: ContainerReadDeps, why: string): void {
  deps.logger.warn("could not read the peer's container; the next action names what is known", {
    changeId: change.id,
    why,
  });
}
