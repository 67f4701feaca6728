import { readFile } from "node:fs/promises";
import { parseProjectPolicy } from "../src/domain/policy/projectPolicy.js";
import { LocalStartError } from "./startErrors.js";

/**
 * The project policy file's text (`GATEWAY_POLICY_FILE`), for the policy secret, once it is known to be a
 * valid policy: a file that is not fails the start with one sentence naming the file and every problem by
 * path (an unknown key included), instead of every change failing later with the gateway's 500.
 */
export async function readPolicyFile(path: string): Promise<string> {
  const which = `The policy file ${path} (GATEWAY_POLICY_FILE)`;
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new LocalStartError(`${which} cannot be read: ${error.code ?? error.message}`);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LocalStartError(`${which} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = parseProjectPolicy(value);
  if (!parsed.ok) throw new LocalStartError(`${which} is not a valid policy: ${parsed.problems.join("; ")}`);
  return text;
}
