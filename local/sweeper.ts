import { randomUUID } from "node:crypto";
import type { Logger } from "../src/observability/logger.js";
import type { LocalCloud } from "./cloud.js";
import type { LocalFunction } from "./localFunction.js";

/**
 * How late a check must be before the sweeper takes it: at least 2 s, as Scheduler fires on whole seconds (up
 * to a second after the due time), so the sweeper does not race live schedules; at most 5 s.
 */
export function sweepGraceMs(sweepEveryMs: number): number {
  return Math.max(2_000, Math.min(sweepEveryMs, 5_000));
}

/**
 * The local twin of the sweeper's `rate(5 minutes)` rule, every `everyMs` (and at once, to resume after a
 * restart), invoking the sweeper function with a scheduled event. A run still going is not overlapped.
 */
export function startSweeper(
  sweeper: LocalFunction<unknown, unknown>,
  cloud: LocalCloud,
  everyMs: number,
  log: Logger,
  closing: () => boolean,
): () => void {
  let running = false;
  const ruleArn = `arn:aws:events:${cloud.region}:${cloud.accountId}:rule/${cloud.functionName("sweeper")}-schedule`;
  const sweep = async () => {
    if (running || closing()) return;
    running = true;
    try {
      await sweeper.invoke({
        version: "0",
        id: randomUUID(),
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: cloud.accountId,
        time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        region: cloud.region,
        resources: [ruleArn],
        detail: {},
      });
    } catch (error) {
      log.error("the sweeper function failed (the next run does the same work)", { error: error as Error });
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
