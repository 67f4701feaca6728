import { text, type Values } from "./argValues.js";
import { UsageError } from "./usage.js";

/** How the CLI proves who it is: a bearer token or an HMAC-signed request (see README, "Authenticating callers"). */
export type Auth = { kind: "bearer"; token: string } | { kind: "signed"; caller: string; secret: string };

/** Where the gateway is and how to authenticate to it. */
export interface Connection {
  url: string;
  auth: Auth;
}

export type Env = Record<string, string | undefined>;

/** Where to connect: flags first, then the gateway's own environment variables. */
export function connection(values: Values, env: Env, command: string): Connection {
  const url = text(values.url) ?? text(env.GATEWAY_URL) ?? "http://127.0.0.1:3000";
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  // The URL is never echoed, and credentials in it are refused: fetch would repeat them in its error.
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
    throw new UsageError("--url / GATEWAY_URL must be an http(s) URL without a user or password", command);
  }
  return { url: url.replace(/\/+$/, ""), auth: auth(values, env, command) };
}

function auth(values: Values, env: Env, command: string): Auth {
  const token = text(values.token);
  const signedFlags = text(values.caller) !== undefined || text(values["signing-secret"]) !== undefined;
  if (token && signedFlags)
    throw new UsageError("give --token or --caller/--signing-secret, not both", command);
  // Flags win over the environment, so one command can use other credentials than the shell's default.
  if (token) return { kind: "bearer", token };
  if (!signedFlags && text(env.GATEWAY_TOKEN)) return { kind: "bearer", token: env.GATEWAY_TOKEN as string };
  const caller = text(values.caller) ?? text(env.GATEWAY_CALLER);
  const secret = text(values["signing-secret"]) ?? text(env.GATEWAY_SIGNING_SECRET);
  if (caller && secret) return { kind: "signed", caller, secret };
  if (caller || secret) {
    throw new UsageError(
      "signed requests need both --caller and --signing-secret (or GATEWAY_CALLER and GATEWAY_SIGNING_SECRET)",
      command,
    );
  }
  throw new UsageError(
    "no credentials: give --token (GATEWAY_TOKEN) or --caller and --signing-secret",
    command,
  );
}

/**
 * Whether to print JSON: `--json`, or the Atlas CLI's output setting (`MONGODB_ATLAS_OUTPUT`, or the MongoDB
 * CLI's `MCLI_OUTPUT`) set to `json`. The Atlas CLI reads one family or the other, never both, so an Atlas
 * variable that is set decides even when the MCLI one says otherwise.
 */
export function wantsJson(values: Values, env: Env): boolean {
  if (values.json === true) return true;
  const output = text(env.MONGODB_ATLAS_OUTPUT) ?? text(env.MCLI_OUTPUT);
  return output?.toLowerCase() === "json";
}

/** `--group`, else the project id an Atlas CLI user already has in the environment. */
export function groupOf(values: Values, env: Env): string | undefined {
  return text(values.group) ?? text(env.MONGODB_ATLAS_PROJECT_ID) ?? text(env.MCLI_PROJECT_ID);
}

/** `--group` (or its environment default), or a usage error naming both. */
export function requireGroup(values: Values, env: Env, command: string): string {
  const group = groupOf(values, env);
  if (group === undefined) throw new UsageError("missing --group (or MONGODB_ATLAS_PROJECT_ID)", command);
  return group;
}
