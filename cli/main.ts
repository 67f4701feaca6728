import { type Command, parseCommand } from "./args.js";
import { GatewayApiError, GatewayClient, GatewayNetworkError } from "./client.js";
import { cancel } from "./commands/cancel.js";
import { list } from "./commands/list.js";
import { status } from "./commands/status.js";
import { submit } from "./commands/submit.js";
import { ExitCode, formatProblem, type Io } from "./format.js";
import { UsageError } from "./usage.js";

/** What `main` runs against: the process's streams and environment in real use, fakes in tests. */
export interface MainIo extends Io {
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** What every command gets. */
export interface CommandContext {
  io: Io;
  client: GatewayClient;
  json: boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Shortest credential that is masked in output; masking a one-letter value would garble every message. */
const MIN_SECRET_LENGTH = 6;

/**
 * Runs the `peering-gateway` command line and answers its exit code: 0 success, 1 the change ended other than
 * SUCCEEDED (or `--wait` timed out), 2 usage error, 3 API or network error.
 */
export async function main(argv: string[], io: MainIo): Promise<number> {
  const safe = redacting(io, secretsIn(argv, io.env));
  let command: Command;
  try {
    command = parseCommand(argv, io.env);
  } catch (error) {
    return reportError(error, safe);
  }
  if (command.kind === "help") {
    safe.stdout(`${command.text}\n`);
    return ExitCode.ok;
  }
  const now = io.now ?? Date.now;
  const context: CommandContext = {
    io: safe,
    json: command.json,
    sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now,
    client: new GatewayClient({
      baseUrl: command.connection.url,
      auth: command.connection.auth,
      now,
      ...(io.fetch ? { fetch: io.fetch } : {}),
    }),
  };
  try {
    return await run(command, context);
  } catch (error) {
    return reportError(error, safe);
  }
}

function run(command: Exclude<Command, { kind: "help" }>, context: CommandContext): Promise<number> {
  switch (command.kind) {
    case "submit":
      return submit(command, context);
    case "status":
      return status(command.id, command.wait, context);
    case "list":
      return list(command.query, command.all, context);
    case "cancel":
      return cancel(command.id, context);
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.stderr(`peering-gateway: ${error.message}\n\n${error.usage}\n`);
    return ExitCode.usage;
  }
  if (error instanceof GatewayApiError) {
    io.stderr(formatProblem(error));
    return ExitCode.api;
  }
  if (error instanceof GatewayNetworkError) {
    io.stderr(`Error: ${error.message}\n`);
    return ExitCode.api;
  }
  // A bug of ours: say so plainly (the message only; stacks are noise for a CLI user).
  io.stderr(`peering-gateway: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.api;
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
