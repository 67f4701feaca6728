import { type Command, parseCommand } from "./args.js";
import { GatewayClient } from "./client.js";
import { audit } from "./commands/audit.js";
import { cancel } from "./commands/cancel.js";
import { list } from "./commands/list.js";
import { peersGet, peersList } from "./commands/peers.js";
import { plan } from "./commands/plan.js";
import { status, watch } from "./commands/status.js";
import { submit } from "./commands/submit.js";
import { wantsJson } from "./connection.js";
import { ExitCode, formatJson, formatProblem, type Io } from "./format.js";
import { GatewayApiError, GatewayNetworkError, Interrupted } from "./problem.js";
import { UsageError } from "./usage.js";
import { VERSION } from "./version.js";

/** Calls `tick` every `ms` until the returned function is called (setInterval in real use, manual in tests). */
export type Every = (ms: number, tick: () => void) => () => void;

/** What `main` runs against: the process's streams, environment, clock and Ctrl-C in real use, fakes in tests. */
export interface MainIo extends Io {
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  every?: Every;
  /** Aborted on Ctrl-C (SIGINT). */
  signal?: AbortSignal;
}

/** What every command gets. */
export interface CommandContext {
  io: Io;
  client: GatewayClient;
  json: boolean;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  every: Every;
  signal?: AbortSignal;
}

/** Shortest credential that is masked in output; masking a one-letter value would garble every message. */
const MIN_SECRET_LENGTH = 6;

/**
 * Runs the `peering-gateway` command line and answers its exit code: 0 success, 1 the change ended other than
 * SUCCEEDED (or `--wait` timed out), 2 usage error, 3 API or network error, 130 interrupted.
 */
export async function main(argv: string[], io: MainIo): Promise<number> {
  const safe = redacting(io, secretsIn(argv, io.env));
  // Known before parsing, so even a usage error comes back as JSON when JSON was asked for.
  const json = argv.includes("--json") || wantsJson({}, io.env);
  let command: Command;
  try {
    command = parseCommand(argv, io.env);
  } catch (error) {
    return reportError(error, safe, json);
  }
  if (command.kind === "help") {
    safe.stdout(`${command.text}\n`);
    return ExitCode.ok;
  }
  if (command.kind === "version") {
    safe.stdout(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const context = contextFor(command, io, safe);
  try {
    return await run(command, context);
  } catch (error) {
    return reportError(error, safe, command.json);
  }
}

function contextFor(
  command: Extract<Command, { connection: unknown }>,
  io: MainIo,
  safe: Io,
): CommandContext {
  const now = io.now ?? Date.now;
  return {
    io: safe,
    json: command.json,
    sleep: io.sleep ?? realSleep,
    now,
    every: io.every ?? realEvery,
    ...(io.signal ? { signal: io.signal } : {}),
    client: new GatewayClient({
      baseUrl: command.connection.url,
      auth: command.connection.auth,
      now,
      ...(io.fetch ? { fetch: io.fetch } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    }),
  };
}

function run(command: Extract<Command, { connection: unknown }>, context: CommandContext): Promise<number> {
  switch (command.kind) {
    case "submit":
      return submit(command, context);
    case "plan":
      return plan(command.input, context);
    case "status":
      return status(command.id, command.wait, context);
    case "watch":
      return watch(command.id, command.wait, context);
    case "list":
      return list(command.query, command.all, context);
    case "cancel":
      return cancel(command.id, context);
    case "peers-list":
      return peersList(command.query, context);
    case "peers-get":
      return peersGet(command.groupId, command.peerId, context);
    case "audit":
      return audit(command.query, command.all, context);
  }
}

/** Prints an error (one line for a usage error; the problem as JSON on stdout with `--json`) → exit code. */
function reportError(error: unknown, io: Io, json: boolean): number {
  const [code, human, problem] = describeError(error);
  if (json) io.stdout(formatJson(problem));
  else io.stderr(human);
  return code;
}

function describeError(error: unknown): [number, string, unknown] {
  if (error instanceof UsageError) {
    return [ExitCode.usage, `${error.line}\n`, { title: "Invalid command line", detail: error.message }];
  }
  if (error instanceof GatewayApiError) {
    const problem = error.body ?? { title: error.title, status: error.status, detail: error.detail };
    return [ExitCode.api, formatProblem(error), problem];
  }
  if (error instanceof GatewayNetworkError) {
    return [
      ExitCode.api,
      `Error: ${error.message}\n`,
      { title: "Gateway unreachable", detail: error.message },
    ];
  }
  if (error instanceof Interrupted) {
    return [ExitCode.interrupted, "Interrupted.\n", { title: "Interrupted" }];
  }
  // A bug of ours: say so plainly (the message only; stacks are noise for a CLI user).
  const message = error instanceof Error ? error.message : String(error);
  return [
    ExitCode.api,
    `peering-gateway: unexpected error: ${message}\n`,
    { title: "Unexpected error", detail: message },
  ];
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

function realEvery(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  return () => clearInterval(timer);
}

/** Credential values from the command line and the environment, wherever the user put them. */
function secretsIn(argv: readonly string[], env: Record<string, string | undefined>): string[] {
  const found = [env.GATEWAY_TOKEN, env.GATEWAY_SIGNING_SECRET];
  argv.forEach((arg, i) => {
    const [name, value] = arg.split(/=(.*)/s);
    if (name !== "--token" && name !== "--signing-secret") return;
    found.push(value ?? argv[i + 1]);
  });
  return found.filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH);
}

/**
 * Output that masks credentials. Nothing is meant to print them; this is the net under that rule, since a
 * gateway or Node error message could echo one back.
 */
function redacting(io: Io, secrets: string[]): Io {
  const mask = (s: string) => secrets.reduce((out, secret) => out.split(secret).join("***"), s);
  return { isTTY: io.isTTY, stdout: (s) => io.stdout(mask(s)), stderr: (s) => io.stderr(mask(s)) };
}
