import type { ChangeView } from "../src/domain/change/view.js";
import { isTerminal } from "../src/domain/peering/status.js";
import type { WaitOptions } from "./args.js";
import { GatewayApiError, type GatewayClient, GatewayNetworkError } from "./client.js";
import { duration, ExitCode, formatChange, formatJson, Progress } from "./format.js";
import type { CommandContext } from "./main.js";

/** How following a change ended: the last view seen, and whether `--timeout` cut it short. */
export interface FollowResult {
  view: ChangeView;
  timedOut: boolean;
  elapsedMs: number;
}

/** What following needs: the API, a clock and a sleep (both faked in tests), and where to show progress. */
export interface FollowDeps {
  client: Pick<GatewayClient, "get">;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  progress: Progress;
}

/** Consecutive failed checks tolerated while waiting: a change can wait hours for a person, a blip must not end it. */
const MAX_FAILED_CHECKS = 3;

/**
 * Polls `GET /v1/peering-changes/{id}` every `intervalMs` until the change is terminal or `timeoutMs` has
 * passed, showing each view. Network errors and 429/5xx answers are retried a few times; others are thrown.
 */
export async function followChange(
  first: ChangeView,
  options: WaitOptions,
  deps: FollowDeps,
): Promise<FollowResult> {
  const started = deps.now();
  let view = first;
  let failures = 0;
  for (;;) {
    const elapsedMs = deps.now() - started;
    deps.progress.update(view, elapsedMs);
    if (isTerminal(view.state)) return { view, timedOut: false, elapsedMs };
    const remaining =
      options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : options.timeoutMs - elapsedMs;
    if (remaining <= 0) return { view, timedOut: true, elapsedMs };
    await deps.sleep(Math.min(options.intervalMs, remaining));
    try {
      view = await deps.client.get(view.id);
      failures = 0;
    } catch (error) {
      failures++;
      if (!isTransient(error) || failures > MAX_FAILED_CHECKS) throw error;
      deps.progress.note(`Could not check the change (${(error as Error).message}); trying again.`);
    }
  }
}

/**
 * Follows a change for `submit --wait` and `status --wait`, prints its final view and answers the exit code:
 * 0 only for SUCCEEDED, 1 for any other end or a timeout.
 */
export async function waitAndReport(
  first: ChangeView,
  options: WaitOptions,
  context: CommandContext,
): Promise<number> {
  const progress = new Progress(context.io);
  let result: FollowResult;
  try {
    result = await followChange(first, options, { ...context, progress });
  } finally {
    progress.end();
  }
  const { view } = result;
  context.io.stdout(context.json ? formatJson(view) : formatChange(view));
  if (result.timedOut) {
    context.io.stderr(
      `Stopped waiting after ${duration(result.elapsedMs)}; the change is still ${view.state} and the gateway ` +
        `keeps following it. Resume with: peering-gateway status ${view.id} --wait\n`,
    );
    return ExitCode.notSucceeded;
  }
  return exitCodeFor(view);
}

/** 1 when the change ended other than SUCCEEDED; 0 when it succeeded or is still going. */
export function exitCodeFor(view: Pick<ChangeView, "state">): number {
  return isTerminal(view.state) && view.state !== "SUCCEEDED" ? ExitCode.notSucceeded : ExitCode.ok;
}

function isTransient(error: unknown): boolean {
  if (error instanceof GatewayNetworkError) return true;
  return error instanceof GatewayApiError && (error.status === 429 || error.status >= 500);
}
