import type { ChangeRecord } from "./ChangeRecord.js";

/**
 * How long a change spent waiting for a person (in WAITING_FOR_USER), from its history, up to `until`
 * (epoch ms). Atlas's own work and the gateway's checks are not counted.
 */
export function waitingForPersonMs(change: Pick<ChangeRecord, "history">, until: number): number {
  let total = 0;
  let since: number | undefined;
  for (const step of change.history) {
    const at = Date.parse(step.at);
    if (since !== undefined && step.to !== "WAITING_FOR_USER") {
      total += at - since;
      since = undefined;
    } else if (since === undefined && step.to === "WAITING_FOR_USER") {
      since = at;
    }
  }
  return since === undefined ? total : total + (until - since);
}
