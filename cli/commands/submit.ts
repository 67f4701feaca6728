import { readFile } from "node:fs/promises";
import type { WaitOptions } from "../args.js";
import { formatChange, formatJson } from "../format.js";
import type { CommandContext } from "../main.js";
import type { SubmitInput } from "../submitArgs.js";
import { COMMAND_USAGE, UsageError } from "../usage.js";
import { exitCodeFor, waitAndReport } from "../wait.js";

/** `submit`: what to send, the optional Idempotency-Key, and whether to follow the change. */
export interface SubmitOptions {
  input: SubmitInput;
  idempotencyKey?: string;
  wait?: WaitOptions;
}

/**
 * Submits a peering change and prints the gateway's answer; with `wait`, follows it until it ends.
 * Exit code: see {@link exitCodeFor} and {@link waitAndReport}.
 */
export async function submit(options: SubmitOptions, context: CommandContext): Promise<number> {
  const body = await requestBody(options.input);
  const answer = await context.client.submit(body, options.idempotencyKey);
  if (options.wait) {
    // Older gateways answer without the change view; one GET gives the same thing.
    const first = answer.change ?? (await context.client.get(answer.id));
    return waitAndReport(first, options.wait, context);
  }
  if (context.json) context.io.stdout(formatJson(answer));
  else if (answer.change) context.io.stdout(formatChange(answer.change));
  else context.io.stdout(`Change ${answer.id}: ${answer.state}\n`);
  if (!context.json && exitCodeFor(answer) === 0 && answer.state !== "SUCCEEDED") {
    context.io.stdout(`Follow it with: peering-gateway status ${answer.id} --wait\n`);
  }
  return exitCodeFor(answer);
}

/**
 * The POST body. From `--file`: the whole body, or only the peering body when `--group` and `--peer` were
 * given; flags such as `--reason` override the file's members.
 */
export async function requestBody(input: SubmitInput): Promise<Record<string, unknown>> {
  if (input.kind === "body") return input.body;
  const content = await readJsonFile(input.path);
  if (input.extra.groupId !== undefined) return { ...input.extra, peering: content };
  if (typeof content !== "object" || content === null || Array.isArray(content)) {
    throw new UsageError(`${input.path} must hold a JSON object`, COMMAND_USAGE.submit ?? "");
  }
  return { ...(content as Record<string, unknown>), ...input.extra };
}

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(`cannot read ${path} (${code})`, COMMAND_USAGE.submit ?? "");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`, COMMAND_USAGE.submit ?? "");
  }
}
