import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | undefined>;

/**
 * `parseArgs` in strict mode, its errors turned into one short line for `command`. Node's messages name the
 * option (`--tokn`), never the value after `=`, so the name is safe to show; its advice about `--` is for
 * positionals starting with a dash, which no command here takes, so it is dropped.
 */
export function parse(
  args: string[],
  options: Options,
  command: string | undefined,
): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError(shortParseMessage(error), command);
  }
}

function shortParseMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /'(-[^' <]*)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option ${option}`;
  if (option && message.endsWith("argument missing")) return `${option} needs a value`;
  if (option && message.endsWith("does not take an argument")) return `${option} takes no value`;
  return message.split(". To specify a positional")[0] ?? message;
}

/** A non-empty string option, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Seconds, or a number with s/m/h, as milliseconds. */
export function seconds(value: string | boolean, flag: string, command: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(value));
  const amount = Number(match?.[1]);
  if (!match || !(amount > 0))
    throw new UsageError(`${flag} must be a positive duration such as 2, 90s or 15m`, command);
  const unit = { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"] ?? 1;
  // At least 1 ms: a value that rounds to 0 would poll the gateway in a busy loop.
  return Math.max(1, Math.round(amount * unit * 1000));
}

/** A whole number from 1, or undefined when the option was not given. */
export function positiveInteger(value: string | boolean | undefined, flag: string, command: string) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < 1)
    throw new UsageError(`${flag} must be a positive integer`, command);
  return n;
}

/** The one positional argument a command takes (a change id). */
export function onlyId(positionals: string[], command: string): string {
  const [id] = positionals;
  if (positionals.length !== 1 || !id) {
    throw new UsageError(`${command} takes exactly one change id (got ${positionals.length})`, command);
  }
  return id;
}

/** Refuses positional arguments for a command that takes none. */
export function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) {
    // Not echoed: a value meant for a mistyped option may be a credential.
    throw new UsageError(`${command} takes no positional arguments`, command);
  }
}

/** Only the entries whose value is defined, so optional properties stay absent rather than undefined. */
export function defined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
