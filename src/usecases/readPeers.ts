import type { Caller } from "../access/callers.js";
import { authorizeProjectRead, authorizeRead, type ReadScope } from "../access/policy.js";
import { atlasVerdict } from "../domain/atlasEnvelope.js";
import { READ_PEER } from "../domain/change/operations.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import { visiblePeerList } from "../domain/peering/visiblePeers.js";
import { AtlasCredentialsError, AtlasCredentialsRefusedError } from "../ports/AtlasCredentialSource.js";
import type { AtlasAnswer, PeerCall, PeerListCall } from "../ports/AtlasPeeringApi.js";
import { AtlasUnavailableError, atlasErrorBodyOf, TokenEndpointError } from "../ports/AtlasPeeringApi.js";
import { type AtlasCallDeps, callAtlas, refusesCredentials } from "./atlasCall.js";
import { audit, type ReadTarget, readAuditFields } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/**
 * Reads of Atlas for a caller: one peer, or the project's peer list. A read takes no lock, records no change
 * and is never retried later; it is audited once (who, route, ids, Atlas's status; never the body). A caller
 * granted only some peers sees only those, in the list as in single reads.
 */

export type ReadDeps = AtlasCallDeps & Pick<ChangeDeps, "audit" | "newId">;

/** Who reads, through which channel and route (for the audit record). */
export interface PeerReadRequest {
  caller: Caller;
  channel: ReadTarget["channel"];
  requestId: string;
  /** The route template, e.g. `GET /api/atlas/v2/groups/{groupId}/peers/{peerId}`. */
  route: string;
}

/** Atlas's answer to show the caller as it came (a list cut to the caller's peers), or why there is none. */
export type PeerReadResult = { answer: AtlasAnswer } | { error: Error };

/** The read of a peer list that cannot be cut to the caller's peers (it is no list): nothing is shown. */
export class PeerListUnreadableError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "atlas-list-unreadable";
  readonly title: string = "Atlas's peer list could not be read";
}

/** Atlas refused the gateway's own keys on a read: the gateway's 502, as for a change, but nothing is kept. */
export class ReadCredentialsRefusedError extends AtlasCredentialsRefusedError {
  constructor(groupId: string, status: number, errorCode?: string, secretId?: string) {
    super(groupId, status, errorCode, secretId);
    const secret = secretId ? `secret ${secretId}` : `the Atlas secret of project ${groupId}`;
    const why = errorCode ? `${status} ${errorCode}` : String(status);
    // The change's sentence ("the change is kept and sent again") does not hold for a read.
    this.message =
      `Atlas refused the gateway's Atlas credentials (${secret}) for project ${groupId} with ${why}, even ` +
      "after the secret was read again: an operator must fix the secret or its API access list.";
  }
}

/** `GET …/peers/{peerId}`: the peer as Atlas answers it; 403 (`ForbiddenError`) outside the caller's grants. */
export async function readPeer(
  request: PeerReadRequest,
  call: PeerCall,
  deps: ReadDeps,
  deadline: number,
): Promise<PeerReadResult> {
  authorizeRead(request.caller, call.groupId, call.peerId);
  const result = await callAtlas(deps, call, READ_PEER, deadline);
  const read: PeerReadResult = result.answer
    ? { answer: result.answer }
    : { error: forRead(result.error ?? new AtlasUnavailableError("Atlas gave no answer.", undefined, 0)) };
  await auditRead(deps, request, call, read);
  return read;
}

/**
 * `GET …/peers`: the list as Atlas answers it. For a caller granted only some peers it is cut to those, with
 * `totalCount` the number shown (see `visiblePeerList`); 403 when no grant is for the project.
 */
export async function listPeers(
  request: PeerReadRequest,
  call: PeerListCall,
  deps: ReadDeps,
  deadline: number,
): Promise<PeerReadResult> {
  const scope = authorizeProjectRead(request.caller, call.groupId);
  const read = await listWithFreshKeys(deps, call, deadline);
  await auditRead(deps, request, call, read);
  return "answer" in read ? withinScope(read.answer, scope, call) : read;
}

/** The answer a peer-limited caller may see: a successful list cut to its peers; errors carry no peers. */
function withinScope(answer: AtlasAnswer, scope: ReadScope, call: PeerListCall): PeerReadResult {
  if (scope.wholeProject || atlasVerdict(answer, call.query.envelope === true).status >= 300)
    return { answer };
  const body = visiblePeerList(answer.body, scope.peerIds, { pretty: call.query.pretty === true });
  if (body === undefined) {
    return {
      error: new PeerListUnreadableError("Atlas answered the peer list with a body that is no list."),
    };
  }
  return { answer: { ...answer, body } };
}

/**
 * Lists with the project's keys; when Atlas refuses them (401, access list) they are read once more, bypassing
 * the cache, and the list asked once more, as `callAtlas` does for a peer. Still refused, the gateway's keys
 * are the problem ({@link ReadCredentialsRefusedError}, counted for the alarm). No answer at all (Atlas
 * unreachable, keys unreadable) is returned as the error to answer with.
 */
export async function listWithFreshKeys(
  deps: AtlasCallDeps,
  call: PeerListCall,
  deadline: number,
): Promise<PeerReadResult> {
  const send = async (refresh: boolean) => {
    const keys = await deps.credentials.credentialsFor(call.groupId, { refresh });
    return { keys, answer: await deps.atlas.listPeers(keys, call, { deadline }) };
  };
  try {
    // The token endpoint refusing the service account: the secret may have been rotated too.
    const first = await send(false).catch((error: unknown) => {
      if (error instanceof TokenEndpointError && !error.retryable) return send(true);
      throw error;
    });
    const enveloped = call.query.envelope === true;
    const sent = refusesCredentials(atlasVerdict(first.answer, enveloped)) ? await send(true) : first;
    return judged(deps, call, sent);
  } catch (error) {
    if (
      error instanceof AtlasUnavailableError ||
      error instanceof AtlasCredentialsError ||
      error instanceof TokenEndpointError
    ) {
      const attempts = error instanceof AtlasUnavailableError ? error.attempts : 0;
      deps.metrics?.atlasCall({ operation: "GET", latencyMs: 0, attempts });
      return { error };
    }
    throw error;
  }
}

/** Counts the call, and turns a refusal of the gateway's keys into its error. */
function judged(
  deps: AtlasCallDeps,
  call: PeerListCall,
  sent: { keys: { secretId?: string }; answer: AtlasAnswer },
): PeerReadResult {
  const verdict = atlasVerdict(sent.answer, call.query.envelope === true);
  const refused = refusesCredentials(verdict);
  const errorCode = verdict.status >= 300 ? atlasErrorBodyOf(verdict.content)?.errorCode : undefined;
  deps.metrics?.atlasCall({
    operation: "GET",
    status: verdict.status,
    latencyMs: sent.answer.latencyMs,
    attempts: sent.answer.attempts,
    ...(refused ? { credentialsRefused: true } : {}),
    ...(errorCode ? { errorCode } : {}),
  });
  if (!refused) return { answer: sent.answer };
  return {
    error: new ReadCredentialsRefusedError(call.groupId, verdict.status, errorCode, sent.keys.secretId),
  };
}

/** A change's credential refusal, told as a read's (nothing is kept to send again). */
function forRead(error: Error): Error {
  if (!(error instanceof AtlasCredentialsRefusedError) || error instanceof ReadCredentialsRefusedError)
    return error;
  return new ReadCredentialsRefusedError(error.groupId, error.status, error.errorCode, error.secretId);
}

/** One audit record per read: the status Atlas meant, or the code of the failure that left no answer. */
async function auditRead(
  deps: ReadDeps,
  request: PeerReadRequest,
  call: { groupId: string; peerId?: string; query: { envelope?: boolean } },
  read: PeerReadResult,
): Promise<void> {
  const target: ReadTarget = {
    requestId: request.requestId,
    channel: request.channel,
    callerId: request.caller.id,
    route: request.route,
    groupId: call.groupId,
    ...(call.peerId === undefined ? {} : { peerId: call.peerId }),
  };
  const answered =
    "answer" in read
      ? { httpStatus: atlasVerdict(read.answer, call.query.envelope === true).status }
      : { failure: read.error instanceof GatewayError ? read.error.code : read.error.name };
  await audit(deps, readAuditFields(target, answered));
}
