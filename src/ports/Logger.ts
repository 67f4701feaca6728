/** Structured attributes of a log line; secret-looking keys are redacted by the logger. */
export type LogAttributes = Record<string, unknown>;

/**
 * What the use cases and channels log through: Powertools Logger satisfies it (see observability/logger.ts),
 * so nothing inside the gateway depends on Powertools itself.
 */
export interface Logger {
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
  /** Keys added to every later line, until {@link resetKeys}. */
  appendKeys(attributes: LogAttributes): void;
  resetKeys(): void;
  setCorrelationId(id: string): void;
}
