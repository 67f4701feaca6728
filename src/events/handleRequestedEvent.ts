import type { Caller } from "../auth/callers.js";
import { mayChange } from "../auth/policy.js";
import { isCallbackAllowed } from "../domain/change/callbackPolicy.js";
import { providerOf } from "../domain/peering/settings.js";
import { audit } from "../usecases/audit.js";
import type { ChangeDeps } from "../usecases/ChangeDeps.js";
import { ChangeInFlightError, ChangeRefusedError, IdempotencyKeyReusedError } from "../usecases/errors.js";
import { submitChange } from "../usecases/submitChange.js";
import { type ChangeRejection, changeRejection } from "./rejection.js";
import { callerForEvent, parseRequestedEvent, type RequestedEvent } from "./requestedEvent.js";

/** What became of one `Peering Change Requested` event. */
export type RequestedEventOutcome =
  | { kind: "submitted" | "replayed"; changeId: string; state: string }
  | { kind: "rejected"; reason: string };

/**
 * Turns a `Peering Change Requested` event into a change request, through the same pipeline and project
 * policy as HTTP; the event's source (and account) map to a caller. An event that can never succeed (invalid,
 * unknown source, outside the caller's projects, a change in flight) is answered with a `Peering Change
 * Rejected` event and not retried. Anything else (AWS or Atlas trouble) is thrown, so the delivery is retried
 * and ends in the DLQ. EventBridge delivers at least once: without an `idempotencyKey`, the event id is the
 * key, so a redelivery returns the change it already made.
 */
export async function handleRequestedEvent(
  event: unknown,
  deps: ChangeDeps,
  deadline: number,
): Promise<RequestedEventOutcome> {
  const parsed = parseRequestedEvent(event);
  if (!parsed.ok) {
    return reject(
      deps,
      changeRejection("the event is not a valid peering change request", parsed.errors, parsed.envelope),
    );
  }
  const value = parsed.value;
  const caller = callerForEvent((await deps.callers.registry()).callers, value.source, value.account);
  const refusal = caller
    ? policyRefusal(caller, value)
    : "no caller is registered for this event source and account";
  if (refusal || !caller) return reject(deps, changeRejection(refusal ?? "not allowed", [], value));
  try {
    const outcome = await submitChange(submission(caller, value), deps, deadline);
    return {
      kind: outcome.kind === "created" ? "submitted" : "replayed",
      changeId: outcome.change.id,
      state: outcome.change.state,
    };
  } catch (error) {
    if (
      error instanceof ChangeInFlightError ||
      error instanceof IdempotencyKeyReusedError ||
      error instanceof ChangeRefusedError
    ) {
      return reject(deps, changeRejection(error.message, [], value), caller.id);
    }
    throw error;
  }
}

function policyRefusal(caller: Caller, event: RequestedEvent): string | undefined {
  const { groupId, peerId, callbackUrl } = event.request;
  if (!mayChange(caller, groupId, peerId))
    return `caller ${caller.id} may not change peer ${peerId} in project ${groupId}`;
  if (callbackUrl === undefined) return undefined;
  const verdict = isCallbackAllowed(callbackUrl, caller.callbackHosts ?? []);
  if (!verdict.allowed) return `callbackUrl refused: ${verdict.reason}`;
  return caller.callbackSecret
    ? undefined
    : `caller ${caller.id} has no callback secret to sign callbacks with`;
}

function submission(caller: Caller, event: RequestedEvent) {
  const { groupId, peerId, reason, callbackUrl, peering } = event.request;
  return {
    caller,
    channel: "eventbridge" as const,
    call: { groupId, peerId, apiVersion: "v2" as const, query: {} },
    provider: providerOf(peering),
    body: JSON.stringify(event.rawPeering),
    requestId: event.id,
    idempotencyKey: event.idempotencyKey ?? `event:${event.id}`,
    ...(reason === undefined ? {} : { reason }),
    ...(callbackUrl === undefined ? {} : { callbackUrl }),
  };
}

async function reject(
  deps: ChangeDeps,
  rejection: ChangeRejection,
  callerId?: string,
): Promise<RequestedEventOutcome> {
  await deps.events.publishRejection(rejection);
  await audit(deps, {
    requestId: rejection.event.id ?? "unknown",
    channel: "eventbridge",
    outcome: "refused",
    reason: "event rejected",
    detail: [rejection.reason, ...rejection.errors.map((e) => `${e.path}: ${e.message}`)].join("; "),
    ...(callerId ? { callerId } : {}),
  });
  deps.logger.warn("peering change request event rejected", {
    reason: rejection.reason,
    event: rejection.event,
    errors: rejection.errors,
  });
  return { kind: "rejected", reason: rejection.reason };
}
