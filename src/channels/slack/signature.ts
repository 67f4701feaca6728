import { createHash, createHmac } from "node:crypto";
import { safeEqual } from "../../access/signature.js";

/** Slack's own window: `slack_sdk` refuses a request whose timestamp is more than 5 minutes from now. */
export const SLACK_TOLERANCE_SECONDS = 300;

/** What {@link verifySlackSignature} needs from a request and from the gateway's configuration. */
export interface SlackSignatureInput {
  /** The body exactly as Slack sent it (already base64-decoded when API Gateway encoded it). */
  rawBody: Buffer;
  /** `X-Slack-Request-Timestamp`. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`. */
  signature: string | undefined;
  /** Every signing secret currently valid; several while the app's secret is being rotated. */
  signingSecrets: readonly string[];
  /** The current Unix time in seconds. */
  nowSeconds: number;
  /** How far the timestamp may be from now, either way; {@link SLACK_TOLERANCE_SECONDS} by default. */
  toleranceSeconds?: number;
}

/** Whether a request came from Slack, and if not, why (in words safe to log: no secret, no signature). */
export type SlackSignatureResult =
  | { ok: true }
  | { ok: false; reason: "missing headers" | "stale timestamp" | "bad signature" };

/**
 * The `X-Slack-Signature` Slack sends: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`).
 *
 * @example
 * slackSignature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", Buffer.from("token=…")) // "v0=…"
 */
export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}

/**
 * Checks that a request was signed by Slack with one of `signingSecrets`, over the raw body bytes, and
 * recently enough that a captured request cannot be replayed later.
 *
 * @example
 * verifySlackSignature({ rawBody, timestamp: headers["x-slack-request-timestamp"],
 *   signature: headers["x-slack-signature"], signingSecrets, nowSeconds: Math.floor(Date.now() / 1000) })
 */
export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureResult {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: "missing headers" };
  const tolerance = input.toleranceSeconds ?? SLACK_TOLERANCE_SECONDS;
  // Digits only: `Number("1e9")` or `Number(" 12 ")` would parse, yet the signed string would differ.
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(input.nowSeconds - Number(timestamp)) > tolerance) {
    return { ok: false, reason: "stale timestamp" };
  }
  // Every secret is tried, even after a match, so the time taken does not tell which secret is in use.
  let matched = false;
  for (const secret of input.signingSecrets) {
    if (safeEqual(slackSignature(secret, timestamp, input.rawBody), signature)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: "bad signature" };
}

/**
 * What names one signed slash command for the replay guard: the workspace and the SHA-256 of Slack's signed
 * base string (`v0:{timestamp}:{raw body}`), never the signature. Slack puts a fresh `trigger_id` and
 * `response_url` in every invocation, so a user running the same command twice sends two different bodies; only
 * a copy of one delivery has the same key.
 *
 * @example slackReplayKey("T0ACME0001", "1531420618", rawBody) // '["slack-v0","T0ACME0001","5b2c…"]'
 */
export function slackReplayKey(teamId: string, timestamp: string, rawBody: Buffer | string): string {
  const base = createHash("sha256").update(`v0:${timestamp}:`).update(rawBody).digest("hex");
  return JSON.stringify(["slack-v0", teamId, base]);
}
