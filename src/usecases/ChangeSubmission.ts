import type { Caller } from "../access/callers.js";
import type { Channel, ReplyAddress } from "../domain/channels.js";
import type { Provider } from "../domain/peering/settings.js";
import type { PeerCall } from "../ports/AtlasPeeringApi.js";

/** A validated, authorised change, ready to record and forward. `body` is what Atlas receives, byte for byte. */
export interface ChangeSubmission {
  caller: Caller;
  channel: Channel;
  call: PeerCall;
  provider: Provider;
  body: string;
  requestId: string;
  reason?: string;
  callbackUrl?: string;
  idempotencyKey?: string;
  replyTo?: ReplyAddress;
  /** The peer as Atlas returned it moments ago (Slack reads it to fill in fields): spares a second GET. */
  knownPeer?: Record<string, unknown>;
  /**
   * False for the Atlas-compatible drop-in routes: no planning read, Atlas judges the PATCH itself (as it would
   * without the gateway), and the request costs one Atlas round trip, not two. Default true.
   */
  plan?: boolean;
  /**
   * Set when `body` names only the fields to change (a partial `peering` of `POST /v1/peering-changes`): the
   * peer is read and the rest filled in (`completePeering`) once the Idempotency-Key is known to be new, and
   * the completed whole is what is planned, recorded as `desired` and sent. The key stays bound to `body` as
   * the caller sent it. `pathPrefix` places violations of the completed body (`peering`).
   */
  partial?: { pathPrefix: string };
  /** Where the body sits in the request, so refusals name its fields as sent (`peering` on the own route). */
  bodyPath?: string;
}
