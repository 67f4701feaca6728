import type { Caller } from "../../access/callers.js";
import { ForbiddenError } from "../../access/errors.js";
import { providerOf } from "../../domain/peering/settings.js";
import { joinPath, RequestValidationError } from "../../domain/validation.js";
import type { ChangeRejection } from "../../ports/ChangeNotifications.js";
import { admitChange, type ChangeAdmission } from "../../usecases/admitChange.js";
import { audit } from "../../usecases/audit.js";
import type { ChangeDeps } from "../../usecases/ChangeDeps.js";
import { CallbackNotAllowedError } from "../../usecases/errors.js";
import { isRejection } from "./answers.js";
import { changeRejection } from "./rejection.js";
import {
  callerForEvent,
  gatewaySourceViolation,
  parseRequestedEvent,
  type RequestedEvent,
} from "./requestedEvent.js";

/** What became of one `Peering Change Requested` event. */
export type RequestedEventOutcome =
  | { kind: "submitted" | "replayed"; changeId: string; state: string }
  | { kind: "rejected"; reason: string };

/**
 * Turns a `Peering Change Requested` event into a change request, through the same pipeline and project
 * policy as HTTP; the event's source (and account) map to a caller. An event that can never succeed (invalid,
 * the gateway's own source, an unknown source or account, outside the caller's projects, a change in flight)
 * is answered with a `Peering Change Rejected` event and not retried. Anything else (AWS or Atlas trouble) is
 * thrown, so the delivery is retried and ends in the DLQ. EventBridge delivers at least once: without an
 * `idempotencyKey`, the event id is the key, so a redelivery returns the change it already made.
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
  const ownSource = gatewaySourceViolation(value.source);
  if (ownSource) {
    return reject(deps, changeRejection("the event claims the gateway's own source", [ownSource], value));
  }
  const caller = callerForEvent((await deps.callers.registry()).callers, value.source, value.account);
  if (!caller) {
    return reject(
      deps,
      changeRejection("no caller is registered for this event source and account", [], value),
    );
  }
  try {
    const outcome = await admitChange(admission(caller, value), deps, deadline);
    return {
      kind: outcome.kind === "created" ? "submitted" : "replayed",
      changeId: outcome.change.id,
      state: outcome.change.state,
    };
  } catch (error) {
    const refused = admissionRejection(error, value);
    if (refused) return reject(deps, refused);
    if (isRejection(error)) return reject(deps, changeRejection(error.message, [], value), caller.id);
    throw error;
  }
}

/**
 * Admission's refusals, told as the event channel always told them: an invalid idempotency key is an invalid
 * event (its path under `detail.`), and grants or callback refusals are the policy's sentence.
 */
function admissionRejection(error: unknown, event: RequestedEvent): ChangeRejection | undefined {
  if (error instanceof RequestValidationError) {
    const errors = error.errors.map((e) => ({ path: joinPath("detail", e.path), message: e.message }));
    return changeRejection("the event is not a valid peering change request", errors, event);
  }
  if (error instanceof ForbiddenError || error instanceof CallbackNotAllowedError) {
    return changeRejection(policySentence(error.message), [], event);
  }
  return undefined;
}

/** "Caller x may not change …." → "caller x may not change …": the Rejected event's wording. */
function policySentence(message: string): string {
  const sentence = message.endsWith(".") ? message.slice(0, -1) : message;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

function admission(caller: Caller, event: RequestedEvent): ChangeAdmission {
  const { groupId, peerId, reason, callbackUrl, peering } = event.request;
  return {
    caller,
    channel: "eventbridge",
    groupId,
    peerId,
    apiVersion: "v2",
    query: {},
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
