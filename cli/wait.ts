import type { ChangeView } from "../src/domain/change/view.js";
import { isTerminal } from "../src/domain/peering/status.js";
import type { WaitOptions } from "./args.js";
import type { GatewayClient } from "./client.js";
import { ExitCode, formatChange, formatJson } from "./format.js";
import { ChangeTimelinePrinter, LiveLine } from "./live.js";
import type { CommandContext } from "./main.js";
import { GatewayApiError, GatewayNetworkError, Interrupted } from "./problem.js";
import { duration, totals } from "./timeline.js";

/** How following a change ended: the last view seen, and whether `--timeout` cut it short. */
export interface FollowResult {
  view: ChangeView;
  timedOut: boolean;
  elapsedMs: number;
}

/** What following needs: the API, a clock and a sleep (both faked in tests), Ctrl-C, and where to print. */
export interface FollowDeps {
  client: Pick<GatewayClient, "get">;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  signal?: AbortSignal;
}

/** Consecutive failed checks tolerated while waiting: a change can wait hours for a person, a blip must not end it. */
const MAX_FAILED_CHECKS = 3;
/** The status line's clock moves this often between two checks. */
const TICK_MS = 1000;

/**
 * Polls `GET /v1/peering-changes/{id}` every `intervalMs` until the change is terminal or `timeoutMs` has
 * passed, printing each view through `printer`. Network errors and 429/5xx answers are retried a few times;
 * others are thrown, and so is {@link Interrupted} on Ctrl-C.
 */
export async function followChange(
  first: ChangeView,
  options: WaitOptions,
  deps: FollowDeps,
  printer: ChangeTimelinePrinter,
): Promise<FollowResult> {
  const started = deps.now();
  let view = first;
  let failures = 0;
  for (;;) {
    printer.show(view, deps.now());
    const elapsedMs = deps.now() - started;
    if (isTerminal(view.state)) return { view, timedOut: false, elapsedMs };
    const remaining = (options.timeoutMs ?? Number.POSITIVE_INFINITY) - elapsedMs;
    if (remaining <= 0) return { view, timedOut: true, elapsedMs };
    await pause(Math.min(options.intervalMs, remaining), view, deps, printer);
    try {
      view = await deps.client.get(view.id);
      failures = 0;
    } catch (error) {
      failures++;
      if (!isTransient(error) || failures > MAX_FAILED_CHECKS) throw error;
      printer.note(`Could not check the change (${(error as Error).message}); trying again.`);
    }
  }
}

/** Sleeps in one-second steps, redrawing the status line after each, until `ms` passed or Ctrl-C. */
async function pause(ms: number, view: ChangeView, deps: FollowDeps, printer: ChangeTimelinePrinter) {
  for (let left = ms; left > 0; ) {
    const step = Math.min(TICK_MS, left);
    await deps.sleep(step, deps.signal);
    if (deps.signal?.aborted) throw new Interrupted();
    left -= step;
    printer.tick(view, deps.now());
  }
}

/**
 * Follows a change for `watch`, `submit --wait` and `status --wait`, prints its final view and answers the
 * exit code: 0 only for SUCCEEDED, 1 for any other end or a timeout, 130 on Ctrl-C (with how to resume).
 */
export async function waitAndReport(
  first: ChangeView,
  options: WaitOptions,
  context: CommandContext,
): Promise<number> {
  const live = new LiveLine(context.io);
  let result: FollowResult;
  try {
    result = await followChange(first, options, context, new ChangeTimelinePrinter(live));
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    live.clear();
    const detail =
      `Stopped watching change ${first.id}; the gateway keeps following it. ` +
      `Resume with: peering-gateway watch ${first.id}`;
    context.io.stderr(`${detail}\n`);
    if (context.json)
      context.io.stdout(formatJson({ title: "Interrupted", detail, changeRequestId: first.id }));
    return ExitCode.interrupted;
  } finally {
    live.clear();
  }
  const { view } = result;
  if (context.json) context.io.stdout(formatJson(view));
  else context.io.stdout(`${formatChange(view, context.now())}  ${totals(view, context.now())}\n`);
  if (result.timedOut) {
    context.io.stderr(
      `Stopped waiting after ${duration(result.elapsedMs)}; the change is still ${view.state} and the gateway ` +
        `keeps following it. Resume with: peering-gateway watch ${view.id}\n`,
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
