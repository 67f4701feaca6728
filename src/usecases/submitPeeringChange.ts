import { parseAtlasErrorBody } from "../atlas/errors.js";
import type { Caller } from "../auth/callers.js";
import type { Provider } from "../domain/peering/settings.js";
import { type ChangeState, type PeerStatus, readPeerStatus, stateForPeer } from "../domain/peering/status.js";
import type { AtlasCredentialSource } from "../ports/AtlasCredentialSource.js";
import type { AtlasAnswer, AtlasPeeringApi, PeerCall } from "../ports/AtlasPeeringApi.js";

/** The channel a change came in through. */
export type Channel = "http" | "slack" | "eventbridge";

/** A validated, authorised change, ready to forward. `body` is the JSON Atlas receives, byte for byte. */
export interface PeeringChange {
  caller: Caller;
  channel: Channel;
  call: PeerCall;
  provider: Provider;
  body: string;
  reason?: string;
}

export interface SubmitDeps {
  credentials: AtlasCredentialSource;
  atlas: AtlasPeeringApi;
  newId: () => string;
}

/** What became of the change: Atlas's answer, and what it means. */
export interface SubmitResult {
  changeId: string;
  answer: AtlasAnswer;
  state: ChangeState;
  peer: PeerStatus;
  /** True when the keys were fetched again after a 401 (key rotation). */
  refreshedCredentials: boolean;
}

/**
 * Forwards one peering change to Atlas with the project's keys. When Atlas answers 401 the keys may have been
 * rotated: they are fetched once more, bypassing the cache, and the PATCH is sent once more.
 */
export async function submitPeeringChange(
  change: PeeringChange,
  deps: SubmitDeps,
  options: { deadline: number },
): Promise<SubmitResult> {
  const changeId = deps.newId();
  const groupId = change.call.groupId;
  let answer = await deps.atlas.updatePeer(
    await deps.credentials.credentialsFor(groupId),
    change.call,
    change.body,
    options,
  );
  let refreshedCredentials = false;
  if (answer.status === 401) {
    const fresh = await deps.credentials.credentialsFor(groupId, { refresh: true });
    answer = await deps.atlas.updatePeer(fresh, change.call, change.body, options);
    refreshedCredentials = true;
  }
  const peer = answer.status < 300 ? readPeerStatus(parseJson(answer.body)) : {};
  return { changeId, answer, state: stateOfAnswer(answer, peer), peer, refreshedCredentials };
}

/** 2xx: what the peer's status says; 429/5xx: not accepted yet; any other 4xx: Atlas refused the change. */
export function stateOfAnswer(answer: AtlasAnswer, peer: PeerStatus): ChangeState {
  if (answer.status < 300) return stateForPeer(peer);
  if (answer.status === 429 || answer.status >= 500) return "RETRYING";
  return "REJECTED";
}

/** The fields every log line about a submitted change carries (never a credential). */
export function outcomeLogFields(change: PeeringChange, result: SubmitResult): Record<string, unknown> {
  return {
    changeId: result.changeId,
    channel: change.channel,
    groupId: change.call.groupId,
    peerId: change.call.peerId,
    apiVersion: change.call.apiVersion,
    atlasStatus: result.answer.status,
    atlasLatencyMs: result.answer.latencyMs,
    atlasAttempts: result.answer.attempts,
    atlasErrorCode: atlasErrorOf(result.answer)?.errorCode,
    state: result.state,
  };
}

/** Atlas's error fields when it refused, for logs and problem details. */
export function atlasErrorOf(answer: AtlasAnswer) {
  return answer.status >= 400 ? parseAtlasErrorBody(answer.body) : undefined;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
