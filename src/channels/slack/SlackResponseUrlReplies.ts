import { type HttpTransport, TransportError } from "../../ports/HttpTransport.js";
import type { SlackMessage } from "./messages.js";

/** Sends a later answer to a slash command (the port the use case depends on). */
export interface SlackReplies {
  /** Posts `message` to the command's `response_url`; `false` when it could not be delivered. Never throws. */
  post(responseUrl: string, message: SlackMessage): Promise<boolean>;
}

/** Options of {@link SlackResponseUrlReplies}. */
export interface SlackResponseUrlRepliesOptions {
  transport: HttpTransport;
  /**
   * Hosts a `response_url` may point at; `["hooks.slack.com"]` by default. `127.0.0.1` and `localhost` are
   * also reachable over plain `http:` when listed here (the local stack's fake Slack).
   */
  allowedHosts?: readonly string[];
  logger?: { warn(msg: string, attrs?: object): void };
}

/** Hosts that may be reached over `http:`, when allowed at all: nothing on the way can read the token. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** A short pause before the single retry, so a Slack blip has a moment to pass. */
const RETRY_DELAY_MS = 250;

type Outcome = "delivered" | "retry" | "failed";

/**
 * Posts answers to Slack's `response_url`. The URL comes in the request body, so it is only followed to an
 * allowed host: the gateway must never POST wherever a forged request points it. The URL's path is a
 * capability token, so only its host is ever logged. One retry on a 5xx or a network failure.
 */
export class SlackResponseUrlReplies implements SlackReplies {
  private readonly transport: HttpTransport;
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly warn: (msg: string, attrs?: object) => void;

  constructor(options: SlackResponseUrlRepliesOptions) {
    this.transport = options.transport;
    this.allowedHosts = new Set((options.allowedHosts ?? ["hooks.slack.com"]).map((h) => h.toLowerCase()));
    const logger = options.logger;
    this.warn = logger ? (msg, attrs) => logger.warn(msg, attrs) : () => {};
  }

  /** Posts one message; `false` (and a warning naming the host) when it was refused or not delivered. */
  async post(responseUrl: string, message: SlackMessage): Promise<boolean> {
    const target = this.allowedTarget(responseUrl);
    if (target === undefined) return false;
    let body: string;
    try {
      body = JSON.stringify(message);
    } catch {
      this.warn("Slack reply not sent: the message cannot be serialised", { host: target.hostname });
      return false;
    }
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      const outcome = await this.attempt(responseUrl, target.hostname, body, attempt);
      if (outcome === "delivered") return true;
      if (outcome === "failed") return false;
    }
    return false;
  }

  /** The parsed URL when it may be posted to; otherwise warns (host only) and returns `undefined`. */
  private allowedTarget(responseUrl: string): URL | undefined {
    const url = URL.canParse(responseUrl) ? new URL(responseUrl) : undefined;
    if (url === undefined) {
      this.warn("Slack reply refused: response_url is not a URL");
      return undefined;
    }
    const host = url.hostname.toLowerCase();
    const secure = url.protocol === "https:";
    const localHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(host);
    // Credentials in the URL are never something Slack sends; refusing them keeps the check simple to trust.
    if (!this.allowedHosts.has(host) || !(secure || localHttp) || url.username || url.password) {
      this.warn("Slack reply refused: response_url is not an allowed Slack URL", {
        host,
        protocol: url.protocol,
      });
      return undefined;
    }
    return url;
  }

  /** One POST. Transport errors are reduced to their code: their messages carry the URL's path. */
  private async attempt(url: string, host: string, body: string, attempt: number): Promise<Outcome> {
    const headers = {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "atlas-peering-gateway",
    };
    try {
      const response = await this.transport({ method: "POST", url, headers, body });
      if (response.status >= 200 && response.status < 300) return "delivered";
      // Slack answers errors with a short code (`expired_url`, `used_url`): useful, and holds no token.
      const slackError = /^[a-z_]{1,64}$/.test(response.body.trim()) ? response.body.trim() : undefined;
      const retry = response.status >= 500 && attempt < 2;
      this.warn("Slack reply failed", { host, status: response.status, attempt, retry, slackError });
      return response.status >= 500 ? "retry" : "failed";
    } catch (error) {
      const code = error instanceof TransportError ? error.networkCode : "NETWORK_ERROR";
      const retryable = error instanceof TransportError && error.retryable;
      this.warn("Slack reply failed", { host, code, attempt, retry: retryable && attempt < 2 });
      return retryable ? "retry" : "failed";
    }
  }
}
