import { ExitCode, formatJson } from "../format.js";
import { LiveLine } from "../live.js";
import type { CommandContext } from "../main.js";
import { Interrupted } from "../problem.js";

/**
 * Runs a POST while a terminal shows `sending… Ns`, ticking every second: the gateway may take a while to
 * answer (it retries Atlas's 503s for up to ~20 s before answering RETRYING), and a silent terminal reads as a
 * hang. Logs get nothing. Ctrl-C while sending answers 130, with how to find out whether the change was made.
 */
export async function sending<T>(
  context: CommandContext,
  body: Record<string, unknown>,
  post: () => Promise<T>,
): Promise<T | number> {
  const live = new LiveLine(context.io);
  const started = context.now();
  const draw = () => live.show(`sending… ${Math.floor((context.now() - started) / 1000)}s`);
  draw();
  const stop = context.every(1000, draw);
  try {
    return await post();
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    live.clear();
    const where =
      typeof body.groupId === "string" && typeof body.peerId === "string"
        ? `peering-gateway list --group ${body.groupId} --peer ${body.peerId}`
        : "peering-gateway list --group <id>";
    const detail = `Interrupted while sending: the gateway may have taken the change. Check with: ${where}`;
    context.io.stderr(`${detail}\n`);
    if (context.json) context.io.stdout(formatJson({ title: "Interrupted", detail }));
    return ExitCode.interrupted;
  } finally {
    stop();
    live.clear();
  }
}
