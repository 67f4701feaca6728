import { Logger } from "@aws-lambda-powertools/logger";

/** Keys whose values never reach a log line, whatever object they sit in. */
const SECRET_KEY = /authorization|signature|secret|password|private_?key|token|cookie|api_?key/i;

/**
 * Replaces the value of any secret-looking key with "[redacted]". Powertools Logger has no redaction of its
 * own, so this runs as its JSON replacer: a header map or error that slips into a log line is still safe.
 */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== null) return "[redacted]";
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** The gateway's structured JSON logger (Powertools), with secret redaction built in. */
export function createLogger(options: { serviceName?: string; logLevel?: string } = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? "atlas-peering-gateway",
    ...(options.logLevel ? { logLevel: options.logLevel as "INFO" } : {}),
    jsonReplacerFn: redactSecrets,
  });
}

export type { Logger };
