import { CHANGE_STATES } from "../src/domain/peering/status.js";
import {
  defined,
  noPositionals,
  type Options,
  onlyId,
  parse,
  positiveInteger,
  seconds,
  text,
  type Values,
} from "./argValues.js";
import { type Connection, connection, type Env, requireGroup, wantsJson } from "./connection.js";
import type { AuditQuery, ListQuery, PeerListQuery, WaitOptions } from "./queries.js";
import { CHANGE_OPTIONS, SUBMIT_ONLY_OPTIONS, type SubmitInput, submitInput } from "./submitArgs.js";
import { COMMAND_USAGE, MAIN_USAGE, UsageError } from "./usage.js";

export type { Auth, Connection } from "./connection.js";
export type { AuditQuery, ListQuery, PeerListQuery, WaitOptions } from "./queries.js";

/** What a command does, without where and how it connects. */
export type Action =
  | { kind: "submit"; input: SubmitInput; idempotencyKey?: string; wait?: WaitOptions }
  | { kind: "plan"; input: SubmitInput }
  | { kind: "status"; id: string; wait?: WaitOptions }
  | { kind: "watch"; id: string; wait: WaitOptions }
  | { kind: "list"; query: ListQuery; all: boolean }
  | { kind: "cancel"; id: string }
  | { kind: "peers-list"; query: PeerListQuery }
  | { kind: "peers-get"; groupId: string; peerId: string }
  | { kind: "audit"; query: AuditQuery; all: boolean };

/** A parsed command line. */
export type Command =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | ({ connection: Connection; json: boolean } & Action);

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const GLOBAL: Options = {
  url: str,
  token: str,
  caller: str,
  "signing-secret": str,
  json: bool,
  help: { type: "boolean", short: "h" },
  version: bool,
};
const WAIT: Options = { wait: bool, interval: str, timeout: str };
const COMMAND_OPTIONS: Readonly<Record<string, Options>> = {
  submit: { ...WAIT, ...CHANGE_OPTIONS, ...SUBMIT_ONLY_OPTIONS },
  plan: CHANGE_OPTIONS,
  status: WAIT,
  watch: { interval: str, timeout: str },
  list: { group: str, peer: str, state: str, limit: str, cursor: str, all: bool },
  cancel: {},
  "peers list": { group: str, provider: str, q: str, find: str },
  "peers get": { group: str, peer: str },
  audit: { group: str, since: str, limit: str, cursor: str, all: bool },
};
/** Global options that take a value, so the command finder does not take that value for the command. */
const GLOBAL_WITH_VALUE = new Set(["--url", "--token", "--caller", "--signing-secret"]);

/**
 * Parses a command line (without `node` and the script) into a command. Global options may come before or
 * after the command. Throws {@link UsageError} with a one-line message that never repeats an option's value.
 */
export function parseCommand(argv: readonly string[], env: Env): Command {
  const at = findCommand(argv);
  let name = at === -1 ? undefined : argv[at];
  let rest = at === -1 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === undefined || name === "help") return helpCommand(name, rest);
  if (name === "peers") {
    const sub = findCommand(rest);
    const verb = sub === -1 ? undefined : rest[sub];
    if (verb !== "list" && verb !== "get") {
      if (rest.includes("--help") || rest.includes("-h"))
        return { kind: "help", text: COMMAND_USAGE.peers ?? "" };
      throw new UsageError("peers needs list or get", "peers");
    }
    name = `peers ${verb}`;
    rest = [...rest.slice(0, sub), ...rest.slice(sub + 1)];
  }
  const options = COMMAND_OPTIONS[name];
  if (!options) {
    throw new UsageError(
      "unknown command (expected submit, plan, status, watch, list, cancel, peers or audit)",
    );
  }
  const { values, positionals } = parse(rest, { ...GLOBAL, ...options }, name);
  if (values.help) return { kind: "help", text: COMMAND_USAGE[name.split(" ")[0] ?? ""] ?? MAIN_USAGE };
  if (values.version) return { kind: "version" };
  // The command's own arguments first: a missing id is a better first message than missing credentials.
  const what = action(name, values, positionals, env);
  return { ...what, connection: connection(values, env, name), json: wantsJson(values, env) };
}

function action(name: string, values: Values, positionals: string[], env: Env): Action {
  if (name === "submit" || name === "plan") noPositionals(positionals, name);
  switch (name) {
    case "submit":
      return submitCommand(values, env);
    case "plan":
      return { kind: "plan", input: submitInput(values, env, name) };
    case "list":
      return listCommand(values, positionals, env);
    case "peers list":
      return peersList(values, positionals, env);
    case "peers get":
      return peersGet(values, positionals, env);
    case "audit":
      return auditCommand(values, positionals, env);
    case "cancel":
      return { kind: "cancel", id: onlyId(positionals, name) };
    case "watch":
      return { kind: "watch", id: onlyId(positionals, name), wait: waitFor(values, name) };
    default:
      return { kind: "status", id: onlyId(positionals, name), ...waitOptions(values, name) };
  }
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
  const { values, positionals } = parse(rest, { ...GLOBAL }, undefined);
  if (name === undefined && values.version) return { kind: "version" };
  if (name === undefined && !values.help) throw new UsageError("missing command");
  const topic = positionals[0];
  if (topic === undefined) return { kind: "help", text: MAIN_USAGE };
  const text = COMMAND_USAGE[topic];
  if (!text) throw new UsageError("help: unknown command");
  return { kind: "help", text };
}

function submitCommand(values: Values, env: Env): Action {
  const key = text(values["idempotency-key"]);
  return {
    kind: "submit",
    input: submitInput(values, env, "submit"),
    ...(key === undefined ? {} : { idempotencyKey: key }),
    ...waitOptions(values, "submit"),
  };
}

function listCommand(values: Values, positionals: string[], env: Env): Action {
  noPositionals(positionals, "list");
  const groupId = requireGroup(values, env, "list");
  const state = text(values.state)?.toUpperCase();
  if (state !== undefined && !(CHANGE_STATES as readonly string[]).includes(state)) {
    throw new UsageError(`--state must be one of ${CHANGE_STATES.join(", ")}`, "list");
  }
  const query: ListQuery = {
    groupId,
    ...defined({
      peerId: text(values.peer),
      state,
      limit: positiveInteger(values.limit, "--limit", "list"),
      cursor: text(values.cursor),
    }),
  };
  return { kind: "list", query, all: values.all === true };
}

function peersList(values: Values, positionals: string[], env: Env): Action {
  const command = "peers list";
  noPositionals(positionals, command);
  const providerName = text(values.provider)?.toUpperCase();
  if (providerName !== undefined && !["AWS", "AZURE", "GCP"].includes(providerName)) {
    throw new UsageError("--provider must be AWS, AZURE or GCP", command);
  }
  const [q, find] = [text(values.q), text(values.find)];
  if (q !== undefined && find !== undefined) throw new UsageError("give --q or --find, not both", command);
  const query: PeerListQuery = {
    groupId: requireGroup(values, env, command),
    ...defined({ q: q ?? find, provider: providerName }),
  };
  return { kind: "peers-list", query };
}

function peersGet(values: Values, positionals: string[], env: Env): Action {
  const command = "peers get";
  // `peers get <peer>` reads as naturally as `--peer <peer>`; either, not both.
  const peerId = text(values.peer) ?? (positionals.length === 1 ? positionals[0] : undefined);
  if (peerId === undefined || positionals.length > (text(values.peer) ? 0 : 1)) {
    throw new UsageError("peers get needs one --peer <id>", command);
  }
  return { kind: "peers-get", groupId: requireGroup(values, env, command), peerId };
}

function auditCommand(values: Values, positionals: string[], env: Env): Action {
  noPositionals(positionals, "audit");
  const query: AuditQuery = {
    groupId: requireGroup(values, env, "audit"),
    ...defined({
      since: text(values.since),
      limit: positiveInteger(values.limit, "--limit", "audit"),
      cursor: text(values.cursor),
    }),
  };
  return { kind: "audit", query, all: values.all === true };
}

function waitOptions(values: Values, command: string): { wait?: WaitOptions } {
  if (values.wait) return { wait: waitFor(values, command) };
  if (values.interval !== undefined || values.timeout !== undefined) {
    throw new UsageError("--interval and --timeout only apply with --wait", command);
  }
  return {};
}

function waitFor(values: Values, command: string): WaitOptions {
  const interval = values.interval === undefined ? 2000 : seconds(values.interval, "--interval", command);
  const timeout = values.timeout === undefined ? undefined : seconds(values.timeout, "--timeout", command);
  return timeout === undefined ? { intervalMs: interval } : { intervalMs: interval, timeoutMs: timeout };
}
