import type { WaitOptions } from "../args.js";
import { formatChange, formatJson } from "../format.js";
import type { CommandContext } from "../main.js";
import { exitCodeFor, waitAndReport } from "../wait.js";

/**
 * `status <id>`: prints a change; with `wait`, follows it until it ends. Exits 1 when the change ended other
 * than SUCCEEDED (or the wait timed out), so scripts can gate on it.
 */
export async function status(
  id: string,
  wait: WaitOptions | undefined,
  context: CommandContext,
): Promise<number> {
  const view = await context.client.get(id);
  if (wait) return waitAndReport(view, wait, context);
  context.io.stdout(context.json ? formatJson(view) : formatChange(view));
  return exitCodeFor(view);
}
