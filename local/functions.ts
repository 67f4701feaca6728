import type { Logger } from "../src/observability/logger.js";
import { eventsEntry, notifyEntry, recheckEntry, sweeperEntry } from "../src/wiring/entries.js";
import type { EmulatedSchedule } from "./aws/scheduler.js";
import type { FunctionKey, LocalCloud } from "./cloud.js";
import { LocalFunction, type LocalFunctionSpec } from "./localFunction.js";

/** Timeouts and memory as serverless.yml gives them (http: the provider's 29 s). */
const FUNCTIONS: Record<FunctionKey, { timeoutSeconds: number; memoryMb: number }> = {
  http: { timeoutSeconds: 29, memoryMb: 512 },
  recheck: { timeoutSeconds: 60, memoryMb: 512 },
  events: { timeoutSeconds: 60, memoryMb: 512 },
  notify: { timeoutSeconds: 60, memoryMb: 512 },
  sweeper: { timeoutSeconds: 120, memoryMb: 512 },
};

/**
 * The re-check, events, notify and sweeper functions, each invocable as Scheduler or EventBridge would invoke
 * it.
 */
export interface LocalFunctions {
  recheck: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof recheckEntry>>>>;
  events: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof eventsEntry>>>>;
  notify: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof notifyEntry>>>>;
  sweeper: LocalFunction<unknown, Awaited<ReturnType<ReturnType<typeof sweeperEntry>>>>;
}

/** A function's name, ARN, timeout and memory, as the template gives them for stage `local`. */
export function functionSpec(cloud: LocalCloud, key: FunctionKey): LocalFunctionSpec {
  return { name: cloud.functionName(key), arn: cloud.functionArn(key), ...FUNCTIONS[key] };
}

/** The four functions, each built by its production entry (on first invocation) from the cloud's environment. */
export function localFunctions(cloud: LocalCloud): LocalFunctions {
  const { env } = cloud;
  return {
    recheck: new LocalFunction(functionSpec(cloud, "recheck"), () => recheckEntry(env)),
    events: new LocalFunction(functionSpec(cloud, "events"), () => eventsEntry(env)),
    notify: new LocalFunction(functionSpec(cloud, "notify"), () => notifyEntry(env)),
    sweeper: new LocalFunction(functionSpec(cloud, "sweeper"), () => sweeperEntry(env)),
  };
}

/**
 * What a schedule does when it fires: Scheduler invokes its target asynchronously with the schedule's Input.
 * An invocation that fails would be retried by Lambda and then dead-lettered; here it is logged, and the
 * sweeper re-checks the change. Nothing is invoked once `closing()`.
 */
export function scheduleFirer(
  recheck: LocalFunctions["recheck"],
  log: Logger,
  closing: () => boolean,
): (schedule: EmulatedSchedule) => Promise<void> {
  return async (schedule) => {
    if (closing()) return;
    const target = schedule.input.Target;
    if (target?.Arn !== recheck.spec.arn) {
      log.error("a schedule targets no local function", { schedule: schedule.name, target: target?.Arn });
      return;
    }
    try {
      await recheck.invoke(JSON.parse(target.Input ?? "null"));
    } catch (error) {
      log.error("the recheck function failed (Lambda would retry it; the sweeper re-checks the change)", {
        schedule: schedule.name,
        error: error as Error,
      });
    }
  };
}
