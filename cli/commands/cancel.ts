import { ExitCode, formatChange, formatJson } from "../format.js";
import type { CommandContext } from "../main.js";

/**
 * `cancel <id>`: asks the gateway to stop a change that has not ended and prints it (now CANCELLED). Cancelling
 * is what was asked for, so it exits 0; a change that already ended comes back as a 409 problem (exit 3).
 */
export async function cancel(id: string, context: CommandContext): Promise<number> {
  const view = await context.client.cancel(id);
  context.io.stdout(context.json ? formatJson(view) : formatChange(view));
  return ExitCode.ok;
}
