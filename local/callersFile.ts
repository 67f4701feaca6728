import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type CallerRegistry, CallerRegistryError, parseCallerRegistry } from "../src/access/callers.js";
import { hashToken } from "../src/access/signature.js";
import { LocalStartError } from "./startErrors.js";

/** The Slack workspace id the local stack trusts (send it as `team_id`). */
export const LOCAL_SLACK_TEAM = "T0LOCAL00";
/** The EventBridge `source` the local stack maps to the dev caller. */
export const LOCAL_EVENT_SOURCE = "local.automation";

/** One caller, `local-dev`, allowed every project, with callbacks allowed to local receivers. */
export function devRegistry(token: string): CallerRegistry {
  return {
    callers: [
      {
        id: "local-dev",
        tokenSha256: [hashToken(token)],
        signingSecrets: [],
        projects: [{ groupId: "*" }],
        callbackSecret: `whsec_${randomBytes(24).toString("base64")}`,
        callbackHosts: ["127.0.0.1", "localhost"],
        // The local Slack workspace and the local automation source act as the dev caller.
        identities: {
          slack: [{ teamId: LOCAL_SLACK_TEAM }],
          eventbridge: [{ source: LOCAL_EVENT_SOURCE }],
        },
      },
    ],
  };
}

/**
 * The callers file's text, for the callers secret, once it is known to be a valid registry: a file that is
 * not fails the start with one sentence naming the file, where it is wrong and what is wrong, instead of
 * every request failing later.
 */
export async function readCallersFile(path: string): Promise<string> {
  const which = `The callers file ${path} (GATEWAY_CALLERS_FILE)`;
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new LocalStartError(`${which} cannot be read: ${error.code ?? error.message}`);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { message } = error as Error;
    const at = jsonErrorPosition(text, message);
    const where = at ? ` at line ${at.line}, column ${at.column}` : "";
    throw new LocalStartError(`${which} is not valid JSON${where}: ${withoutPosition(message)}`);
  }
  try {
    parseCallerRegistry(value, `file ${path}`);
  } catch (error) {
    if (!(error instanceof CallerRegistryError)) throw error;
    throw new LocalStartError(`${withFoundTypes(error.message, value)} (GATEWAY_CALLERS_FILE)`);
  }
  return text;
}

/**
 * Where JSON.parse stopped, as a 1-based line and column. V8 (Node 20 and 22) says `… at position N` (Node 22
 * adds `(line L column C)`), `Unexpected end of JSON input`, or, for an unexpected token, quotes the text
 * around it: up to 10 characters either side (`…"context"…`), or the whole text when that is short.
 */
export function jsonErrorPosition(
  text: string,
  message: string,
): { line: number; column: number } | undefined {
  const offset = errorOffset(text, message);
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function errorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const token = /^Unexpected token '(.+?)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON/.exec(message);
  if (!token) return undefined;
  const [, char = "", leading, context = "", trailing] = token;
  const start = text.indexOf(context);
  if (start < 0) return undefined;
  // With context on both sides, or only before, the token is the 11th character; with only after, the 11th
  // from the end; the whole text: its first occurrence.
  if (leading) return start + 10;
  if (trailing) return start + context.length - 10;
  return text.indexOf(char);
}

/** The parser's sentence without the offset the line and column replace. */
function withoutPosition(message: string): string {
  return message.replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, "");
}

/**
 * The registry's `path: message` list, each with what the file has there (`missing`, `a number`…): the
 * types only, never a value, since a callers file holds signing secrets.
 */
function withFoundTypes(message: string, value: unknown): string {
  const marker = " is not valid: ";
  const at = message.indexOf(marker);
  if (at < 0) return message;
  const issues = message.slice(at + marker.length).split("; ");
  const described = issues.map((issue) => {
    const colon = issue.indexOf(": ");
    if (colon < 0 || !issue.endsWith("Invalid input")) return issue;
    const path = issue.slice(0, colon);
    return `${path || "(the top level)"}: Invalid input (found ${typeAt(value, path)})`;
  });
  return `${message.slice(0, at + marker.length)}${described.join("; ")}`;
}

function typeAt(value: unknown, path: string): string {
  let here: unknown = value;
  for (const key of path === "" ? [] : path.split(".")) {
    here = here !== null && typeof here === "object" ? (here as Record<string, unknown>)[key] : undefined;
  }
  if (here === undefined) return "nothing: it is missing";
  if (here === null) return "null";
  if (Array.isArray(here)) return "an array";
  return typeof here === "object" ? "an object" : `a ${typeof here}`;
}
