import type { AtlasAnswer } from "../../ports/AtlasPeeringApi.js";
import type { HttpResult } from "../common/response.js";

/** Atlas headers worth passing back to a drop-in client. */
const PASSED_HEADERS = ["content-type", "retry-after", "ratelimit-limit", "ratelimit-remaining"];

/**
 * Atlas's answer as the drop-in routes give it back: its status and body unchanged, its `Content-Type`, and
 * `Retry-After` / `RateLimit-*` when Atlas sent them (a client written against Atlas paces itself by them),
 * plus the gateway's own `extra` headers. Nothing else of Atlas's headers: they may name Atlas's internals.
 */
export function passThrough(answer: AtlasAnswer, extra: Record<string, string> = {}): HttpResult {
  const headers: Record<string, string> = { ...extra };
  for (const name of PASSED_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { statusCode: answer.status, headers, body: answer.body };
}
