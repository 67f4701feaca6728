import type { PlanResponse } from "../client.js";
import { ExitCode, formatJson } from "../format.js";
import type { CommandContext } from "../main.js";
import type { SubmitInput } from "../submitArgs.js";
import { sending } from "./sending.js";
import { requestBody } from "./submit.js";

/**
 * `plan`: a dry run. Prints each field that would change, the warnings, Atlas's refusal and the merged body the
 * gateway would send; nothing is recorded and nothing is sent to Atlas. Exits 1 when the change would be
 * refused, so a pipeline can stop before submitting it.
 */
export async function plan(input: SubmitInput, context: CommandContext): Promise<number> {
  const body = await requestBody(input, "plan");
  const answer = await sending(context, body, () => context.client.plan(body));
  if (typeof answer === "number") return answer;
  context.io.stdout(context.json ? formatJson(answer) : formatPlan(answer));
  return answer.refusal === undefined ? ExitCode.ok : ExitCode.notSucceeded;
}

/** A dry run's answer for people. */
export function formatPlan(answer: PlanResponse): string {
  const lines = [`Plan for peer ${answer.peerId} in project ${answer.groupId}:`];
  if (answer.noop) lines.push("  nothing to change: the peer already has these settings");
  else for (const change of answer.changes) lines.push(`  ~ ${change}`);
  for (const warning of answer.warnings) lines.push(`  warning: ${warning}`);
  if (answer.refusal !== undefined) lines.push(`  refused: ${answer.refusal}`);
  if (answer.merged !== undefined && !answer.noop) {
    const merged = JSON.stringify(answer.merged, null, 2).split("\n");
    lines.push("  would send:", ...merged.map((line) => `    ${line}`));
  }
  lines.push("Nothing was sent: this was a dry run. Submit it with: peering-gateway submit <same options>");
  return `${lines.join("\n")}\n`;
}
