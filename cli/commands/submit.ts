import { readFile } from "node:fs/promises";
import type { WaitOptions } from "../args.js";
import { formatChange, formatJson } from "../format.js";
import type { CommandContext } from "../main.js";
import type { SubmitInput } from "../submitArgs.js";
import { UsageError } from "../usage.js";
import { exitCodeFor, waitAndReport } from "../wait.js";
import { sending } from "./sending.js";

/** `submit`: what to send, the optional Idempotency-Key, and whether to follow the change. */
export interface SubmitOptions {
  input: SubmitInput;
  idempotencyKey?: string;
  wait?: WaitOptions;
}

/**
 * Submits a peering change and prints the gateway's answer, the change id first; with `wait`, follows it
 * until it ends. Exit code: see {@link exitCodeFor} and {@link waitAndReport}.
 */
export async function submit(options: SubmitOptions, context: CommandContext): Promise<number> {
  const body = await requestBody(options.input, "submit");
  const answer = await sending(context, body, () => context.client.submit(body, options.idempotencyKey));
  if (typeof answer === "number") return answer;
  for (const warning of answer.warnings ?? []) context.io.stderr(`Warning: ${warning}\n`);
  if (options.wait) {
    // The id first, on its own line, so a person (or a script reading stdout) has it whatever happens next.
    if (context.json) context.io.stderr(`Change ${answer.id}\n`);
    else context.io.stdout(`Change ${answer.id} submitted (${answer.state})\n`);
    // Older gateways answer without the change view; one GET gives the same thing.
    const first = answer.change ?? (await context.client.get(answer.id));
    return waitAndReport(first, options.wait, context);
  }
  if (context.json) context.io.stdout(formatJson(answer));
  else if (answer.change) context.io.stdout(formatChange(answer.change));
  else context.io.stdout(`Change ${answer.id}: ${answer.state}\n`);
  if (!context.json && exitCodeFor(answer) === 0 && answer.state !== "SUCCEEDED") {
    context.io.stdout(`Follow it with: peering-gateway watch ${answer.id}\n`);
  }
  return exitCodeFor(answer);
}

/**
 * The POST body. From `--file`: the whole body, or only the peering body when `--group` and `--peer` were
 * given; flags such as `--reason` override the file's members.
 */
export async function requestBody(input: SubmitInput, command: string): Promise<Record<string, unknown>> {
  if (input.kind === "body") return input.body;
  const content = await readJsonFile(input.path, command);
  if (input.extra.groupId !== undefined) return { ...input.extra, peering: content };
  if (typeof content !== "object" || content === null || Array.isArray(content)) {
    throw new UsageError(`${input.path} must hold a JSON object`, command);
  }
  return { ...(content as Record<string, unknown>), ...input.extra };
}

async function readJsonFile(path: string, command: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(`cannot read ${path} (${code})`, command);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`, command);
  }
}
