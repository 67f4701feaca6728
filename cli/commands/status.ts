import type { WaitOptions } from "../args.js";
import { formatChange, formatJson } from "../format.js";
import type { CommandContext } from "../main.js";
import { formatTimeline } from "../timeline.js";
import { exitCodeFor, waitAndReport } from "../wait.js";

/**
 * `status <id>`: prints a change and its timeline (each step, how long it took, the time spent waiting for a
 * person); with `wait`, follows it like `watch`. Exits 1 when the change ended other than SUCCEEDED (or the
 * wait timed out), so scripts can gate on it.
 */
export async function status(
  id: string,
  wait: WaitOptions | undefined,
  context: CommandContext,
): Promise<number> {
  const view = await context.client.get(id);
  if (wait) return waitAndReport(view, wait, context);
  context.io.stdout(
    context.json
      ? formatJson(view)
      : `${formatChange(view, context.now())}${formatTimeline(view, context.now())}`,
  );
  return exitCodeFor(view);
}

/** `watch <id>`: follows a change live until it ends (see {@link waitAndReport}). */
export async function watch(id: string, wait: WaitOptions, context: CommandContext): Promise<number> {
  if (!context.json) context.io.stdout(`Change ${id}\n`);
  return waitAndReport(await context.client.get(id), wait, context);
}
