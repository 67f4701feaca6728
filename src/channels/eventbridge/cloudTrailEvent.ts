/**
 * The other EventBridge way in: CloudTrail's record of a person's EC2 call on a VPC peering connection
 * (accept, reject, delete), delivered as an `AWS API Call via CloudTrail` event on this account's default bus
 * or forwarded to the gateway's bus from a peer account. It asks for nothing: it only tells the gateway that
 * the peering named by its `pcx-…` may have moved, so the change following it is re-checked at once.
 *
 * Nobody answers these events and nobody can fix one, so an event that does not read as such a call is
 * dropped (the caller logs it), never thrown: a retry would read it the same way. No Accept or Reject record
 * has been captured anywhere, so the connection id is looked for in every place it may sit (see
 * {@link connectionIdOf}), and nothing else of the call's parameters is kept.
 */
import * as z from "zod/mini";
import type { PeerSideCall } from "../../usecases/noticePeerSideCall.js";

/** Every event CloudTrail delivers to EventBridge has this `detail-type`. */
export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";
/** The envelope `source` of EC2's calls, and the `detail.eventSource` inside. */
export const EC2_EVENT_SOURCE = "aws.ec2";
export const EC2_API_SOURCE = "ec2.amazonaws.com";

/** The EC2 calls after which Atlas's view of a peering changes. All three are write calls (`readOnly: false`). */
export const PEERING_CALL_NAMES = [
  "AcceptVpcPeeringConnection",
  "RejectVpcPeeringConnection",
  "DeleteVpcPeeringConnection",
] as const;

export type PeeringCallName = (typeof PEERING_CALL_NAMES)[number];

/** The event pattern of the rules that bring these calls to the events function (serverless.yml, local/). */
export const PEERING_CALLS_PATTERN = {
  source: [EC2_EVENT_SOURCE],
  "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
  detail: { eventSource: [EC2_API_SOURCE], eventName: [...PEERING_CALL_NAMES] },
};

/** What the gateway keeps of one such call: who and where, and the connection, never the other parameters. */
export interface PeeringCall extends PeerSideCall {
  eventName: PeeringCallName;
}

export type ParsedPeeringCall =
  | { ok: true; call: PeeringCall }
  | { ok: false; reason: string; eventId?: string };

const CONNECTION_ID = /^pcx-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const envelopeSchema = z.looseObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  "detail-type": z.literal(CLOUDTRAIL_DETAIL_TYPE),
  source: z.literal(EC2_EVENT_SOURCE),
  account: z.string().check(z.regex(/^\d{12}$/)),
  region: z.optional(z.string().check(z.maxLength(64))),
  detail: z.looseObject({
    eventSource: z.literal(EC2_API_SOURCE),
    eventName: z.enum(PEERING_CALL_NAMES),
    // A failed call (no permission, an unknown pcx) changed nothing.
    errorCode: z.optional(z.unknown()),
  }),
});

/**
 * Reads a CloudTrail-delivered EC2 peering call. Never throws, whatever `event` is.
 *
 * @example
 * parsePeeringCall({ id: "e-1", "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2",
 *   account: "123456789012", region: "eu-west-1",
 *   detail: { eventSource: "ec2.amazonaws.com", eventName: "AcceptVpcPeeringConnection",
 *             requestParameters: { vpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60718" } } });
 * // { ok: true, call: { eventId: "e-1", eventName: "AcceptVpcPeeringConnection", account: "123456789012",
 * //   region: "eu-west-1", connectionId: "pcx-0a1b2c3d4e5f60718" } }
 */
export function parsePeeringCall(event: unknown): ParsedPeeringCall {
  const parsed = envelopeSchema.safeParse(event);
  if (!parsed.success) {
    const eventId = idOf(event);
    return { ok: false, reason: "not a CloudTrail record of an EC2 peering call", ...eventId };
  }
  const { id, account, region, detail } = parsed.data;
  if (detail.errorCode !== undefined) {
    return { ok: false, reason: "the call failed, so nothing changed", eventId: id };
  }
  const connectionId = connectionIdOf(detail);
  if (connectionId === undefined) {
    return { ok: false, reason: "no VPC peering connection id in the call", eventId: id };
  }
  const call: PeeringCall = { eventId: id, eventName: detail.eventName, account, connectionId };
  if (region !== undefined) call.region = region;
  return { ok: true, call };
}

/**
 * The `pcx-…` of the call, from the first place that holds one: `requestParameters.vpcPeeringConnectionId`
 * (where Delete's real record has it), then `requestParameters.acceptVpcPeeringConnectionRequest` (a wrapper
 * some EC2 records use), then `responseElements.vpcPeeringConnection` (where Create's record has it).
 */
export function connectionIdOf(detail: Record<string, unknown>): string | undefined {
  const request = field(detail, "requestParameters");
  const candidates = [
    field(request, "vpcPeeringConnectionId"),
    field(field(request, "acceptVpcPeeringConnectionRequest"), "vpcPeeringConnectionId"),
    field(field(field(detail, "responseElements"), "vpcPeeringConnection"), "vpcPeeringConnectionId"),
  ];
  return candidates.find((value): value is string => typeof value === "string" && CONNECTION_ID.test(value));
}

/** `value[name]` when `value` is a plain object, else undefined (never a getter on anything else). */
function field(value: unknown, name: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function idOf(event: unknown): { eventId?: string } {
  const id = field(event, "id");
  return typeof id === "string" && id.length > 0 && id.length <= 128 ? { eventId: id } : {};
}
