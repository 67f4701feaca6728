import type { GatewayRequest } from "../common/request.js";

/** The `Idempotency-Key` header, if any, as sent: `admitChange` holds the one rule every channel's key keeps. */
export function idempotencyKeyOf(request: GatewayRequest): string | undefined {
  return request.headers["idempotency-key"];
}
