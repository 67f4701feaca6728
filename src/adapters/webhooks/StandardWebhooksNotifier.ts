import type { Webhook } from "standardwebhooks";
import { retryAfterMs } from "../../domain/retryAfter.js";
import type { CallbackDelivery, CallbackNotifier, DeliveryResult } from "../../ports/ChangeNotifications.js";
import {
  type HttpTransport,
  mayDeliverLater,
  ResponseTooLargeError,
  TransportError,
} from "../../ports/HttpTransport.js";

/** Options of {@link StandardWebhooksNotifier}. */
export interface StandardWebhooksNotifierOptions {
  transport: HttpTransport;
  /** Bound of one attempt (connect, headers, body) when the delivery sets none; 5000 ms by default. */
  timeoutMs?: number;
  /** Most bytes of the receiver's answer read; 65536 by default. The body is never used, only the status. */
  maxResponseBytes?: number;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_RESPONSE_BYTES = 65_536;

/** What one attempt came to: the receiver's status and headers, or the transport's failure. */
type Answer = { status: number; headers: Record<string, string> } | { failure: unknown };

/**
 * Delivers callbacks as Standard Webhooks (https://www.standardwebhooks.com): a JSON POST signed with the
 * caller's `whsec_` secret, carrying `webhook-id` (the delivery's `messageId`, as given: receivers
 * de-duplicate on it), `webhook-timestamp` (now: receivers refuse stale ones, so each attempt is signed
 * afresh) and `webhook-signature`. One attempt per call, bounded in time and in bytes read: retrying is the
 * caller's, across invocations, guided by `retryable` and `retryAfterMs`. Never throws for a failed delivery,
 * and never puts the secret or a signature in what it returns.
 */
export class StandardWebhooksNotifier implements CallbackNotifier {
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly now: () => number;

  constructor(options: StandardWebhooksNotifierOptions) {
    this.transport = options.transport;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Makes one signed attempt and says whether it was delivered, and if not whether a later one may be. */
  async deliver(delivery: CallbackDelivery): Promise<DeliveryResult> {
    const prepared = prepare(delivery, await loadWebhook());
    // Neither a malformed secret nor an unserialisable payload gets better by waiting.
    if ("failure" in prepared) return { delivered: false, retryable: false, lastOutcome: prepared.failure };
    const answer = await this.attempt(delivery, prepared.webhook, prepared.body);
    if ("failure" in answer) return failed(answer.failure);
    return judge(answer.status, answer.headers, this.now());
  }

  /** Signs and sends once. A body over the cap still carries the receiver's status: that is its answer. */
  private async attempt(delivery: CallbackDelivery, webhook: Webhook, body: string): Promise<Answer> {
    const seconds = Math.floor(this.now() / 1000);
    const headers = {
      "content-type": "application/json",
      "user-agent": "atlas-peering-gateway",
      "webhook-id": delivery.messageId,
      "webhook-timestamp": String(seconds),
      "webhook-signature": webhook.sign(delivery.messageId, new Date(seconds * 1000), body),
    };
    try {
      const response = await this.transport({
        method: "POST",
        url: delivery.url,
        headers,
        body,
        timeoutMs: delivery.timeoutMs ?? this.timeoutMs,
        maxResponseBytes: this.maxResponseBytes,
        // Receivers de-duplicate on webhook-id, so a copy the dead socket may have delivered is harmless.
        safeToResend: true,
        ...(delivery.signal === undefined ? {} : { signal: delivery.signal }),
      });
      return { status: response.status, headers: response.headers };
    } catch (error) {
      if (error instanceof ResponseTooLargeError) return { status: error.status, headers: error.headers };
      return { failure: error };
    }
  }
}

/** 2xx is delivered; 408, 429 and 5xx may pass later; any other answer is the receiver's final word. */
function judge(status: number, headers: Record<string, string>, nowMs: number): DeliveryResult {
  const lastOutcome = String(status);
  if (status >= 200 && status < 300) return { delivered: true, retryable: false, lastOutcome };
  const retryable = status === 408 || status === 429 || (status >= 500 && status < 600);
  const wait = status === 429 || status === 503 ? retryAfterMs(headers["retry-after"], nowMs) : undefined;
  return { delivered: false, retryable, lastOutcome, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
}

/** Transport failures become their code: their messages are never passed on. */
function failed(error: unknown): DeliveryResult {
  const lastOutcome = error instanceof TransportError ? error.networkCode : "NETWORK_ERROR";
  return { delivered: false, retryable: mayDeliverLater(error), lastOutcome };
}

/** The signer and the body, or why no attempt can be made (a malformed secret or an unserialisable payload). */
function prepare(
  delivery: CallbackDelivery,
  WebhookClass: typeof Webhook,
): { webhook: Webhook; body: string } | { failure: string } {
  let webhook: Webhook;
  try {
    webhook = new WebhookClass(delivery.secret);
  } catch {
    // The library's error may describe the secret: keep only a fixed code.
    return { failure: "INVALID_SECRET" };
  }
  try {
    return { webhook, body: JSON.stringify(delivery.payload ?? null) };
  } catch {
    return { failure: "INVALID_PAYLOAD" };
  }
}

/** The signing library, loaded on the first callback: most invocations send none (cold start). */
async function loadWebhook(): Promise<typeof Webhook> {
  return (await import("./webhookSigner.js")).Webhook;
}
