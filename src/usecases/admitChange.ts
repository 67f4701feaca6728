import type { Caller } from "../access/callers.js";
import { authorizeChange } from "../access/policy.js";
import { isCallbackAllowed } from "../domain/change/callbackPolicy.js";
import { IDEMPOTENCY_KEY_MESSAGE, IDEMPOTENCY_KEY_PATTERN } from "../domain/change/idempotencyKey.js";
import type { AtlasApiVersion } from "../domain/peering/apiVersion.js";
import type { AtlasQuery } from "../domain/peering/request.js";
import { RequestValidationError } from "../domain/validation.js";
import type { PeerCall } from "../ports/AtlasPeeringApi.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import type { ChangeSubmission } from "./ChangeSubmission.js";
import { takeChangeToken } from "./changeRate.js";
import { CallbackNotAllowedError } from "./errors.js";
import { type SubmitOutcome, submitChange } from "./submitChange.js";

/**
 * A change as any channel asks for it, before it is admitted: who, which peer, the desired body (what Atlas
 * receives, byte for byte) and the optional reason, callback and idempotency key.
 */
export interface ChangeAdmission extends Omit<ChangeSubmission, "call"> {
  groupId: string;
  peerId: string;
  apiVersion: AtlasApiVersion;
  query: AtlasQuery;
}

/**
 * Everything admission decides before anything is read, recorded or sent: the caller's grants cover the peer
 * (`ForbiddenError`), the callback goes to a host on the caller's allowlist and the caller has a secret to
 * sign it with (`CallbackNotAllowedError`), and the idempotency key keeps the one rule
 * (`RequestValidationError` naming `idempotencyKey`). Returns the Atlas target. A dry run stops here.
 */
export function checkAdmission(request: ChangeAdmission): PeerCall {
  authorizeChange(request.caller, request.groupId, request.peerId);
  if (request.callbackUrl !== undefined) checkCallback(request.caller, request.callbackUrl);
  if (request.idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(request.idempotencyKey)) {
    throw new RequestValidationError([{ path: "idempotencyKey", message: IDEMPOTENCY_KEY_MESSAGE }]);
  }
  return {
    groupId: request.groupId,
    peerId: request.peerId,
    apiVersion: request.apiVersion,
    query: request.query,
  };
}

/**
 * Admits a change from any channel and submits it: {@link checkAdmission}, a token from the caller's rate
 * limit (a refused request costs none; a dry run never gets here), then `submitChange`. Its refusals
 * are thrown, never audited here: each channel audits a refusal the way it answers it (HTTP and Slack through
 * `answerWithProblems`, EventBridge with its Rejected event), so a refusal is audited exactly once.
 */
export async function admitChange(
  request: ChangeAdmission,
  deps: ChangeDeps,
  deadline: number,
): Promise<SubmitOutcome> {
  const call = checkAdmission(request);
  await takeChangeToken(request.caller, deps);
  const { groupId: _g, peerId: _p, apiVersion: _v, query: _q, ...rest } = request;
  return submitChange({ ...rest, call }, deps, deadline);
}

/** The callback must go to a host on the caller's allowlist (no SSRF), and the caller needs a secret to sign with. */
function checkCallback(caller: Caller, url: string): void {
  const verdict = isCallbackAllowed(url, caller.callbackHosts ?? []);
  if (!verdict.allowed) throw new CallbackNotAllowedError(`callbackUrl refused: ${verdict.reason}`);
  if (!caller.callbackSecret) {
    throw new CallbackNotAllowedError(`Caller ${caller.id} has no callback secret to sign callbacks with.`);
  }
}
