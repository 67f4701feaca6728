import { READ_PEER } from "../domain/change/operations.js";
import { mergeFields } from "../domain/change/plan.js";
import type { Channel } from "../domain/channels.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import { parseObject } from "../domain/json.js";
import { providerModule } from "../domain/peering/providers/index.js";
import { validatePeeringSettings } from "../domain/peering/request.js";
import { type Provider, providerOf } from "../domain/peering/settings.js";
import { type FieldViolation, joinPath, RequestValidationError } from "../domain/validation.js";
import { AtlasCredentialsRefusedError } from "../ports/AtlasCredentialSource.js";
import { type PeerCall, parseAtlasErrorBody } from "../ports/AtlasPeeringApi.js";
import { type AtlasCallDeps, type AtlasCallResult, callAtlas } from "./atlasCall.js";
import { audit } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";

/**
 * The one rule for a change that names only the fields to change (Slack `update`/`plan`, a partial `peering`
 * of `POST /v1/peering-changes` and its dry run): read the peer, fill in every field the caller left out from
 * the peer as Atlas holds it (`mergeFields`), and validate the whole with Atlas's rules. The read is handed on
 * (`knownPeer`), so planning does not read the peer a second time. Nothing is sent to Atlas here.
 */

export type CompletionDeps = AtlasCallDeps & Pick<ChangeDeps, "audit" | "newId" | "now">;

/** Atlas has no such peer (its GET answered 404): the fields left out cannot be filled in; nothing was sent. */
export class PeerNotFoundError extends GatewayError {
  readonly kind: ErrorKind = "not-found";
  readonly code = "peer-not-found";
  readonly title = "Atlas has no such peer";
  constructor(
    readonly groupId: string,
    readonly peerId: string,
    readonly atlasDetail?: string,
  ) {
    super(
      `Atlas has no peer ${peerId} in project ${groupId}${atlasDetail ? ` (${atlasDetail})` : ""}, so the ` +
        "fields the request left out could not be filled in. Nothing was sent.",
    );
  }
  override details() {
    return { groupId: this.groupId, peerId: this.peerId };
  }
}

/** The peer could not be read (Atlas unreachable, 5xx, the gateway's keys refused): nothing was sent. */
export class PeerUnreadableError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code = "peer-unreadable";
  readonly title = "The gateway could not read the peer";
  constructor(
    readonly peerId: string,
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The gateway could not read peer ${peerId} to fill in the fields the request left out: ${why}. ` +
        "Nothing was sent; send the request again later, or send the whole peering.",
      options,
    );
  }
}

/** Who asks for which peer, and the fields they gave (as parsed: values are checked once completed). */
export interface PeeringToComplete {
  callerId: string;
  channel: Channel;
  requestId: string;
  call: PeerCall;
  asked: Record<string, unknown>;
  /** Where violations go (`peering` in the HTTP body; none for Slack's `field=value` pairs). */
  pathPrefix?: string;
}

/** The completed body, its provider and the peer it was completed from; or why there is none. */
export type PeeringCompletion =
  | { ok: true; merged: Record<string, unknown>; provider: Provider; current: Record<string, unknown> }
  | { ok: false; refusal: RequestValidationError | PeerNotFoundError | PeerUnreadableError };

/**
 * Completes `asked` from the peer. Refusals: the peer is missing (`PeerNotFoundError`) or could not be read
 * (`PeerUnreadableError`), both audited here, since no channel audits a 404 or a 5xx; or the whole breaks a
 * rule (`RequestValidationError`, every violation at once), which the channel audits as it audits any
 * invalid request. A `providerName` other than the peer's is refused by itself: Atlas would answer that PATCH
 * 404 PEER_NOT_FOUND, and the peer's other fields would only add noise.
 */
export async function completePeering(
  request: PeeringToComplete,
  deps: CompletionDeps,
  deadline: number,
): Promise<PeeringCompletion> {
  const { groupId, peerId } = request.call;
  const read = await callAtlas(deps, { ...request.call, query: {} }, READ_PEER, deadline);
  const unread = readRefusal(groupId, peerId, read);
  if (unread) {
    await auditRefusal(request, deps, unread);
    return { ok: false, refusal: unread };
  }
  const current = parseObject(read.answer?.body ?? "");
  const mismatch = providerMismatch(current, request);
  if (mismatch) return { ok: false, refusal: new RequestValidationError([mismatch]) };
  const merged = mergeFields(current, request.asked);
  const valid = validatePeeringSettings(merged, "full", request.pathPrefix);
  if (!valid.ok) {
    const errors = valid.errors.map((violation) => markFilledIn(violation, request));
    return { ok: false, refusal: new RequestValidationError(errors) };
  }
  return { ok: true, merged, provider: providerOf(valid.value), current };
}

/** Why the read gives nothing to complete from, or undefined when Atlas answered with the peer. */
function readRefusal(groupId: string, peerId: string, read: AtlasCallResult) {
  const status = read.answer?.status;
  if (status !== undefined && status < 300) return undefined;
  if (status === 404) {
    return new PeerNotFoundError(groupId, peerId, atlasWords(read.answer?.body ?? "", status));
  }
  const why =
    status === undefined
      ? unansweredWhy(groupId, read.error)
      : `Atlas answered ${atlasWords(read.answer?.body ?? "", status)}`;
  return new PeerUnreadableError(peerId, why.replace(/\.$/, ""), { cause: read.error });
}

/** Why no answer came. The credentials' own message speaks of a change kept and sent again: not so here. */
function unansweredWhy(groupId: string, error: Error | undefined): string {
  if (error instanceof AtlasCredentialsRefusedError) {
    return `Atlas refused the gateway's own credentials for project ${groupId} (${error.status}); an operator must fix them`;
  }
  return error?.message ?? "Atlas could not be reached";
}

/** Atlas's status with its error code and detail, e.g. `404 PEER_NOT_FOUND: No peer with ID … exists …`. */
function atlasWords(body: string, status: number): string {
  const error = parseAtlasErrorBody(body);
  const code = error?.errorCode ? ` ${error.errorCode}` : "";
  return `${status}${code}${error?.detail ? `: ${error.detail.replace(/\.$/, "")}` : ""}`;
}

/** A `providerName` the caller gave that is not the peer's (AWS when Atlas leaves it out). */
function providerMismatch(
  current: Record<string, unknown>,
  request: PeeringToComplete,
): FieldViolation | undefined {
  const asked = request.asked.providerName;
  const held = providerModule(current.providerName);
  if (asked === undefined || held === undefined || asked === held.name) return undefined;
  return {
    path: joinPath(request.pathPrefix, "providerName"),
    message:
      `is ${String(asked)}, but peer ${request.call.peerId} is ${held.article} peering (Atlas would answer ` +
      `this PATCH 404 PEER_NOT_FOUND); leave providerName out or send ${held.name}`,
  };
}

/** Says so when a violation is about a value the caller did not send but the peer supplied. */
function markFilledIn(violation: FieldViolation, request: PeeringToComplete): FieldViolation {
  const prefix = request.pathPrefix ? `${request.pathPrefix}.` : "";
  const field = violation.path.startsWith(prefix) ? violation.path.slice(prefix.length) : violation.path;
  if (field === "" || field in request.asked) return violation;
  return { ...violation, message: `${violation.message} (filled in from the peer as Atlas holds it)` };
}

async function auditRefusal(
  request: PeeringToComplete,
  deps: CompletionDeps,
  refusal: PeerNotFoundError | PeerUnreadableError,
): Promise<void> {
  await audit(deps, {
    requestId: request.requestId,
    channel: request.channel,
    callerId: request.callerId,
    outcome: "refused",
    reason: refusal.code,
    detail: refusal.message,
    groupId: request.call.groupId,
    peerId: request.call.peerId,
    asked: request.asked,
  });
}

/** The body to plan and send, its provider, and the peer already read (when completing read it). */
export interface WholeBody {
  body: string;
  provider: Provider;
  knownPeer?: Record<string, unknown>;
}

/**
 * A submission's body made whole: as it is unless it is `partial`, else completed from the peer (see
 * {@link completePeering}); a refusal is thrown, for the channel to answer. `call` is the peer it is for.
 */
export async function wholeBody(
  input: Pick<
    ChangeSubmission,
    "caller" | "channel" | "requestId" | "body" | "provider" | "partial" | "knownPeer"
  >,
  call: PeerCall,
  deps: CompletionDeps,
  deadline: number,
): Promise<WholeBody> {
  if (!input.partial) {
    const known = input.knownPeer === undefined ? {} : { knownPeer: input.knownPeer };
    return { body: input.body, provider: input.provider, ...known };
  }
  const asked = parseObject(input.body);
  const request = { callerId: input.caller.id, channel: input.channel, requestId: input.requestId };
  const completion = await completePeering(
    { ...request, call, asked, pathPrefix: input.partial.pathPrefix },
    deps,
    deadline,
  );
  if (!completion.ok) throw completion.refusal;
  const { merged, provider, current } = completion;
  return { body: JSON.stringify(merged), provider, knownPeer: current };
}
