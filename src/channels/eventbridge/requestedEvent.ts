/**
 * The EventBridge way in: a `Peering Change Requested` event whose detail is the body of
 * `POST /v1/peering-changes` (plus an optional idempotency key). Events are validated as strictly as HTTP
 * bodies — every violation at once — and an event that fails is answered with a `Peering Change Rejected`
 * event rather than dropped, because an event's sender has no HTTP answer to read.
 */
import * as z from "zod/mini";
import { type Caller, identitiesOf } from "../../access/callers.js";
import { IDEMPOTENCY_KEY_MESSAGE, IDEMPOTENCY_KEY_PATTERN } from "../../domain/change/idempotencyKey.js";
import { type ChangeRequestInput, validateChangeRequest } from "../../domain/peering/request.js";
import { type FieldViolation, fromSafeParse, invalid, joinPath } from "../../domain/validation.js";
import { CHANGE_EVENT_SOURCE, REQUESTED_DETAIL_TYPE } from "../../ports/ChangeNotifications.js";

/** A validated `Peering Change Requested` event. */
export interface RequestedEvent {
  /** EventBridge's event id. */
  id: string;
  /** The sender's `source`; with `account`, it selects the caller (see {@link callerForEvent}). */
  source: string;
  /** The AWS account the event was put from, as EventBridge stamped it. */
  account: string;
  time?: string;
  request: ChangeRequestInput;
  idempotencyKey?: string;
  /**
   * `detail.peering` exactly as sent. Validation builds a new object (key order of the schema), so the body
   * forwarded to Atlas is serialised from this instead, faithful to what the sender wrote.
   */
  rawPeering: unknown;
}

/** The ids of an event, as far as they are strings; names a rejected event without echoing its detail. */
export interface EventEnvelope {
  id?: string;
  source?: string;
  account?: string;
}

const NON_EMPTY = "must be a non-empty string";

/** EventBridge sets every field but `detail`; other envelope fields (`version`, `region`…) are not used. */
const envelopeSchema = z.looseObject(
  {
    id: z.string({ error: NON_EMPTY }).check(z.minLength(1, NON_EMPTY)),
    source: z.string({ error: NON_EMPTY }).check(z.minLength(1, NON_EMPTY)),
    account: z
      .string({ error: "must be a 12-digit AWS account id" })
      .check(z.regex(/^\d{12}$/, "must be a 12-digit AWS account id")),
    time: z.exactOptional(z.string({ error: "must be a string" })),
    "detail-type": z.literal(REQUESTED_DETAIL_TYPE, { error: `must be "${REQUESTED_DETAIL_TYPE}"` }),
    detail: z.record(z.string(), z.unknown(), {
      error: (issue) => (issue.input === undefined ? "is required" : "must be a JSON object"),
    }),
  },
  { error: "must be a JSON object" },
);

/** The one idempotency-key rule of every channel (domain/change/idempotencyKey.ts). */
const idempotencyKeySchema = z
  .string({ error: `must be a string: ${IDEMPOTENCY_KEY_MESSAGE}` })
  .check(z.regex(IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_MESSAGE));

/** The string ids of `event`, whatever else is wrong with it. */
function envelopeOf(event: object): EventEnvelope {
  const envelope: EventEnvelope = {};
  const fields = event as Record<string, unknown>;
  for (const key of ["id", "source", "account"] as const) {
    const value = fields[key];
    if (typeof value === "string") envelope[key] = value;
  }
  return envelope;
}

/** Validates the detail: the change request, and the idempotency key beside it, violations under `detail.`. */
function parseDetail(
  detail: Record<string, unknown>,
):
  | { ok: true; request: ChangeRequestInput; idempotencyKey?: string }
  | { ok: false; errors: FieldViolation[] } {
  const { idempotencyKey, ...body } = detail;
  const request = validateChangeRequest(body);
  const key =
    idempotencyKey === undefined
      ? undefined
      : fromSafeParse(idempotencyKeySchema.safeParse(idempotencyKey), "idempotencyKey");
  const errors = [...(request.ok ? [] : request.errors), ...(key && !key.ok ? key.errors : [])];
  if (!request.ok || (key && !key.ok)) {
    return invalid(errors.map((e) => ({ path: joinPath("detail", e.path), message: e.message })));
  }
  return { ok: true, request: request.value, ...(key?.ok ? { idempotencyKey: key.value } : {}) };
}

/**
 * Validates a `Peering Change Requested` event. The envelope is checked first (an event of another kind has
 * no detail worth reading); then the detail, every violation at once with `detail.` paths. A failure carries
 * the envelope's string ids so the rejection can name the event.
 *
 * @example
 * parseRequestedEvent({ id: "e-1", source: "com.example.ci", account: "123456789012",
 *   "detail-type": "Peering Change Requested", detail: { groupId: "…", peerId: "…", peering: { … } } });
 * // { ok: true, value: { id: "e-1", source: "com.example.ci", account: "123456789012", request: {…}, rawPeering: {…} } }
 */
export function parseRequestedEvent(
  event: unknown,
): { ok: true; value: RequestedEvent } | { ok: false; errors: FieldViolation[]; envelope?: EventEnvelope } {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    return { ok: false, errors: [{ path: "", message: "the event must be a JSON object" }] };
  }
  const envelope = fromSafeParse(envelopeSchema.safeParse(event));
  if (!envelope.ok) return { ok: false, errors: envelope.errors, envelope: envelopeOf(event) };
  const { id, source, account, time, detail } = envelope.value;
  const parsed = parseDetail(detail);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, envelope: { id, source, account } };
  // Read from the event itself, not the parsed copy, so nothing in parsing can ever reshape what Atlas gets.
  const rawPeering = (event as { detail: Record<string, unknown> }).detail.peering;
  const value: RequestedEvent = { id, source, account, request: parsed.request, rawPeering };
  if (time !== undefined) value.time = time;
  if (parsed.idempotencyKey !== undefined) value.idempotencyKey = parsed.idempotencyKey;
  return { ok: true, value };
}

/**
 * Why an event that claims the gateway's own `source` is refused, whoever the registry maps that source to:
 * only the gateway publishes as `atlas-peering-gateway` (its state events and rejections), so a request under
 * that name is someone speaking for the gateway. Any principal allowed to put events may pick any source.
 */
export function gatewaySourceViolation(source: string): FieldViolation | undefined {
  if (source !== CHANGE_EVENT_SOURCE) return undefined;
  return { path: "source", message: `must not be the gateway's own source "${CHANGE_EVENT_SOURCE}"` };
}

/**
 * The caller whose `identities.eventbridge` name this `source` (and, when the entry names one, this
 * `account`). An entry without `account` trusts the source from any account that can put events on the bus.
 *
 * @example
 * callerForEvent(callers, "com.example.ci", "123456789012")?.id // "ci-pipeline"
 */
export function callerForEvent(
  callers: readonly Caller[],
  source: string,
  account: string,
): Caller | undefined {
  return callers.find((caller) =>
    identitiesOf(caller, "eventbridge").some(
      (entry) => entry.source === source && (entry.account === undefined || entry.account === account),
    ),
  );
}
