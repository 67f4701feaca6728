import { type ParseArgsConfig, parseArgs } from "node:util";
import { CHANGE_STATES, type ChangeState } from "../src/domain/peering/status.js";
import { SUBMIT_OPTIONS, type SubmitInput, submitInput } from "./submitArgs.js";
import { COMMAND_USAGE, MAIN_USAGE, UsageError } from "./usage.js";

/** How the CLI proves who it is: a bearer token or an HMAC-signed request (see README, "Authenticating callers"). */
export type Auth = { kind: "bearer"; token: string } | { kind: "signed"; caller: string; secret: string };

/** Where the gateway is and how to authenticate to it. */
export interface Connection {
  url: string;
  auth: Auth;
}

/** How to follow a change: poll every `intervalMs`, give up after `timeoutMs` (never when absent). */
export interface WaitOptions {
  intervalMs: number;
  timeoutMs?: number;
}

/** Filters for `list`. */
export interface ListQuery {
  groupId: string;
  peerId?: string;
  state?: string;
  limit?: number;
  cursor?: string;
}

interface Common {
  connection: Connection;
  json: boolean;
}

/** What a command does, without where and how it connects. */
export type Action =
  | { kind: "submit"; input: SubmitInput; idempotencyKey?: string; wait?: WaitOptions }
  | { kind: "status"; id: string; wait?: WaitOptions }
  | { kind: "list"; query: ListQuery; all: boolean }
  | { kind: "cancel"; id: string };

/** A parsed command line. */
export type Command = { kind: "help"; text: string } | (Common & Action);

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const GLOBAL: Options = {
  url: str,
  token: str,
  caller: str,
  "signing-secret": str,
  json: bool,
  help: { type: "boolean", short: "h" },
};
const WAIT: Options = { wait: bool, interval: str, timeout: str };
const COMMAND_OPTIONS: Readonly<Record<string, Options>> = {
  submit: { ...WAIT, ...SUBMIT_OPTIONS },
  status: WAIT,
  list: { group: str, peer: str, state: str, limit: str, cursor: str, all: bool },
  cancel: {},
};
/** Global options that take a value, so the command finder does not take that value for the command. */
const GLOBAL_WITH_VALUE = new Set(["--url", "--token", "--caller", "--signing-secret"]);
const STATES: readonly ChangeState[] = CHANGE_STATES;

/**
 * Parses a command line (without `node` and the script) into a command. Global options may come before or
 * after the command. Throws {@link UsageError} with a message that never repeats an option's value.
 */
export function parseCommand(argv: readonly string[], env: Record<string, string | undefined>): Command {
  const at = findCommand(argv);
  const name = at === -1 ? undefined : argv[at];
  const rest = at === -1 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === undefined || name === "help") return helpCommand(name, rest);
  const options = COMMAND_OPTIONS[name];
  const usage = COMMAND_USAGE[name];
  if (!options || !usage)
    throw new UsageError("unknown command (expected submit, status, list or cancel)", MAIN_USAGE);
  const { values, positionals } = parse(rest, { ...GLOBAL, ...options }, usage);
  if (values.help) return { kind: "help", text: usage };
  // The command's own arguments first: a missing id is a better first message than missing credentials.
  const what = action(name, values, positionals, usage);
  return { ...what, connection: connection(values, env, usage), json: values.json === true };
}

function action(name: string, values: Values, positionals: string[], usage: string): Action {
  if (name === "submit") return submitCommand(values, positionals, usage);
  if (name === "list") return { kind: "list", ...listCommand(values, positionals, usage) };
  const id = onlyId(name, positionals, usage);
  if (name === "cancel") return { kind: "cancel", id };
  return { kind: "status", id, ...waitOptions(values, usage) };
}

function findCommand(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith("-")) return i;
  }
  return -1;
}

function helpCommand(name: string | undefined, rest: string[]): Command {
  const { values, positionals } = parse(rest, { ...GLOBAL }, MAIN_USAGE);
  if (name === undefined && !values.help) throw new UsageError("missing command", MAIN_USAGE);
  const topic = positionals[0];
  if (topic === undefined) return { kind: "help", text: MAIN_USAGE };
  const text = COMMAND_USAGE[topic];
  if (!text) throw new UsageError("help: unknown command", MAIN_USAGE);
  return { kind: "help", text };
}

function parse(args: string[], options: Options, usage: string): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    // Node's messages name the option (`--tokn`), never the value after `=`, so they are safe to show; its
    // advice about `--` is for positionals starting with a dash, which no command here takes.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.split(". To specify a positional")[0] ?? message, usage);
  }
}

function connection(values: Values, env: Record<string, string | undefined>, usage: string): Connection {
  const url = text(values.url) ?? text(env.GATEWAY_URL) ?? "http://127.0.0.1:3000";
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  // The URL is never echoed, and credentials in it are refused: fetch would repeat them in its error.
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
    throw new UsageError("--url / GATEWAY_URL must be an http(s) URL without a user or password", usage);
  }
  return { url: url.replace(/\/+$/, ""), auth: auth(values, env, usage) };
}

function auth(values: Values, env: Record<string, string | undefined>, usage: string): Auth {
  const token = text(values.token);
  const signedFlags = text(values.caller) !== undefined || text(values["signing-secret"]) !== undefined;
  if (token && signedFlags)
    throw new UsageError("give --token or --caller/--signing-secret, not both", usage);
  // Flags win over the environment, so one command can use other credentials than the shell's default.
  if (token) return { kind: "bearer", token };
  if (!signedFlags && text(env.GATEWAY_TOKEN)) return { kind: "bearer", token: env.GATEWAY_TOKEN as string };
  const caller = text(values.caller) ?? text(env.GATEWAY_CALLER);
  const secret = text(values["signing-secret"]) ?? text(env.GATEWAY_SIGNING_SECRET);
  if (caller && secret) return { kind: "signed", caller, secret };
  if (caller || secret) {
    throw new UsageError(
      "signed requests need both --caller and --signing-secret (or GATEWAY_CALLER and GATEWAY_SIGNING_SECRET)",
      usage,
    );
  }
  throw new UsageError(
    "no credentials: give --token (GATEWAY_TOKEN) or --caller and --signing-secret",
    usage,
  );
}

function submitCommand(values: Values, positionals: string[], usage: string): Action {
  if (positionals.length > 0) throw new UsageError("submit takes no positional arguments", usage);
  const key = text(values["idempotency-key"]);
  return {
    kind: "submit" as const,
    input: submitInput(values, usage),
    ...(key === undefined ? {} : { idempotencyKey: key }),
    ...waitOptions(values, usage),
  };
}

function listCommand(values: Values, positionals: string[], usage: string) {
  if (positionals.length > 0) throw new UsageError("list takes no positional arguments", usage);
  const groupId = text(values.group);
  if (groupId === undefined) throw new UsageError("missing --group", usage);
  const state = text(values.state)?.toUpperCase();
  if (state !== undefined && !(STATES as readonly string[]).includes(state)) {
    throw new UsageError(`--state must be one of ${STATES.join(", ")}`, usage);
  }
  const limit = values.limit === undefined ? undefined : positiveInteger(values.limit, "--limit", usage);
  const query: ListQuery = { groupId };
  for (const [key, value] of [
    ["peerId", text(values.peer)],
    ["state", state],
    ["cursor", text(values.cursor)],
  ]) {
    if (value !== undefined) Object.assign(query, { [key as string]: value });
  }
  return { query: limit === undefined ? query : { ...query, limit }, all: values.all === true };
}

function onlyId(name: string, positionals: string[], usage: string): string {
  const [id] = positionals;
  if (positionals.length !== 1 || !id) {
    throw new UsageError(`${name} takes exactly one change id (got ${positionals.length})`, usage);
  }
  return id;
}

function waitOptions(values: Values, usage: string): { wait?: WaitOptions } {
  if (!values.wait) {
    if (values.interval !== undefined || values.timeout !== undefined) {
      throw new UsageError("--interval and --timeout only apply with --wait", usage);
    }
    return {};
  }
  const interval = values.interval === undefined ? 2000 : seconds(values.interval, "--interval", usage);
  const timeout = values.timeout === undefined ? undefined : seconds(values.timeout, "--timeout", usage);
  return {
    wait: timeout === undefined ? { intervalMs: interval } : { intervalMs: interval, timeoutMs: timeout },
  };
}

/** Seconds, or a number with s/m/h, as milliseconds. */
function seconds(value: string | boolean, flag: string, usage: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(value));
  const amount = Number(match?.[1]);
  if (!match || !(amount > 0))
    throw new UsageError(`${flag} must be a positive duration such as 2, 90s or 15m`, usage);
  const unit = { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"] ?? 1;
  // At least 1 ms: a value that rounds to 0 would poll the gateway in a busy loop.
  return Math.max(1, Math.round(amount * unit * 1000));
}

function positiveInteger(value: string | boolean, flag: string, usage: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < 1)
    throw new UsageError(`${flag} must be a positive integer`, usage);
  return n;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
