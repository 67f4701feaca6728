/**
 * Lenient JSON reading for text the gateway did not write itself (Atlas answers, stored bodies, request
 * bodies already validated elsewhere): a parse failure is a value, never an exception.
 */

/** The value `text` holds, or `fallback` when it is not JSON. */
export function parseJson<T>(text: string, fallback: T): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/** The JSON object `text` holds; an empty object when it holds anything else or is not JSON. */
export function parseObject(text: string): Record<string, unknown> {
  const value = parseJson(text, undefined);
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
