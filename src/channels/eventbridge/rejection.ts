/**
 * The detail of a `Peering Change Rejected` event: why a `Peering Change Requested` event was not acted on.
 * It names the event by its ids only. The request's own values (the peering, the reason, the callback URL)
 * are never echoed: the rejection may go to a bus with more readers than the request had.
 */
import type { FieldViolation } from "../../domain/validation.js";
import type { ChangeRejection } from "../../ports/ChangeNotifications.js";

/**
 * Builds a rejection, copying only `id`, `source` and `account` from `envelope`: passing a whole event by
 * mistake still cannot put its detail on the bus.
 *
 * @example
 * changeRejection("no caller is registered for this source", [], { id: "e-1", source: "x", account: "123456789012" })
 * // { reason: "no caller is registered for this source", errors: [], event: { id: "e-1", source: "x", account: "123456789012" } }
 */
export function changeRejection(
  reason: string,
  errors: readonly FieldViolation[],
  envelope: { id?: string; source?: string; account?: string } = {},
): ChangeRejection {
  const event: ChangeRejection["event"] = {};
  for (const key of ["id", "source", "account"] as const) {
    const value = envelope[key];
    if (typeof value === "string") event[key] = value;
  }
  return { reason, errors: errors.map(({ path, message }) => ({ path, message })), event };
}
