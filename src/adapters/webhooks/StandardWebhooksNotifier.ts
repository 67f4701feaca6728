import type { Webhook } from "standardwebhooks";
import type { CallbackDelivery, CallbackNotifier, DeliveryResult } from "../../ports/ChangeNotifications.js";
import { type HttpResponse, type HttpTransport, TransportError } from "../../ports/HttpTransport.js";

/** Options of {@link StandardWebhooksNotifier}. */
export interface StandardWebhooksNotifierOptions {
  transport: HttpTransport;
  /** Attempts per delivery, the first included; 4 by default. */
  maxAttempts?: number;
  /** Cap of the first backoff delay, doubled after each failure (full jitter); 500 ms by default. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
  /** In [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** No single wait grows past this, whatever `maxAttempts` is. */
const MAX_DELAY_MS = 30_000;

/** The answer of one attempt: a response, or the code of the network failure. */
type Attempt = { response: HttpResponse } | { networkCode: string; retryable: boolean };

/**
 * Delivers callbacks as Standard Webhooks (https://www.standardwebhooks.com): a JSON POST signed with the
 * caller's `whsec_` secret, carrying `webhook-id`, `webhook-timestamp` and `webhook-signature`. Network
 * failures, 429 and 5xx are retried with exponential backoff and full jitter, re-signed each time with a fresh
 * timestamp (receivers refuse stale ones) under the same `webhook-id` (receivers de-duplicate on it). Any
 * other answer is final. Never throws for a failed delivery, and never puts the secret or a signature in what
 * it returns.
 */
export class StandardWebhooksNotifier implements CallbackNotifier {
  private readonly transport: HttpTransport;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: StandardWebhooksNotifierOptions) {
    this.transport = options.transport;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Delivers one callback, retrying within `maxAttempts`. */
  async deliver(delivery: CallbackDelivery): Promise<DeliveryResult> {
    const prepared = prepare(delivery, await loadWebhook());
    if ("failure" in prepared) return { delivered: false, attempts: 0, lastOutcome: prepared.failure };
    let outcome = "";
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(this.delayMs(attempt - 1));
      const result = await this.attempt(delivery, prepared.webhook, prepared.body);
      if ("response" in result) {
        const { status } = result.response;
        outcome = String(status);
        if (status >= 200 && status < 300)
          return { delivered: true, attempts: attempt, lastOutcome: outcome };
        if (!isRetryableStatus(status)) return { delivered: false, attempts: attempt, lastOutcome: outcome };
      } else {
        outcome = result.networkCode;
        if (!result.retryable) return { delivered: false, attempts: attempt, lastOutcome: outcome };
      }
    }
    return { delivered: false, attempts: this.maxAttempts, lastOutcome: outcome };
  }

  /** Signs and sends once. Transport failures become codes: their messages are never passed on. */
  private async attempt(delivery: CallbackDelivery, webhook: Webhook, body: string): Promise<Attempt> {
    const seconds = Math.floor(this.now() / 1000);
    const headers = {
      "content-type": "application/json",
      "user-agent": "atlas-peering-gateway",
      "webhook-id": delivery.messageId,
      "webhook-timestamp": String(seconds),
      "webhook-signature": webhook.sign(delivery.messageId, new Date(seconds * 1000), body),
    };
    try {
      return { response: await this.transport({ method: "POST", url: delivery.url, headers, body }) };
    } catch (error) {
      if (error instanceof TransportError)
        return { networkCode: error.networkCode, retryable: error.retryable };
      return { networkCode: "NETWORK_ERROR", retryable: false };
    }
  }

  /** Full jitter: uniformly random up to the doubled cap, so many deliveries do not retry in lock-step. */
  private delayMs(failures: number): number {
    const cap = Math.min(MAX_DELAY_MS, this.baseDelayMs * 2 ** (failures - 1));
    return Math.floor(this.random() * cap);
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status < 600);
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
