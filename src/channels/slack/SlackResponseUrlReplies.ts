import { retryAfterMs } from "../../domain/retryAfter.js";
import type { ReplyResult } from "../../ports/ChangeReplies.js";
import {
  type HttpTransport,
  mayDeliverLater,
  ResponseTooLargeError,
  TransportError,
} from "../../ports/HttpTransport.js";
import type { SlackMessage } from "./messages.js";

/** Sends a later answer to a slash command (the port the use case depends on). */
export interface SlackReplies {
  /** Posts `message` to the command's `response_url`: one bounded attempt. Never throws. */
  post(responseUrl: string, message: SlackMessage): Promise<ReplyResult>;
}

/** Options of {@link SlackResponseUrlReplies}. */
export interface SlackResponseUrlRepliesOptions {
  transport: HttpTransport;
  /**
   * Hosts a `response_url` may point at; `["hooks.slack.com"]` by default. `127.0.0.1` and `localhost` are
   * also reachable over plain `http:` when listed here (the local stack's fake Slack).
   */
  allowedHosts?: readonly string[];
  /**
   * Where a `https://hooks.slack.com/<path>` response_url is posted instead: `<base>/<path>` (the local
   * stack's capture of Slack replies). The allowlist is checked on the URL Slack sent. Slack itself when absent.
   */
  redirectBaseUrl?: string;
  /** Bound of one attempt (connect, headers, body); 5000 ms by default. */
  timeoutMs?: number;
  /** Most bytes of Slack's answer read (it is a short code); 16384 by default. */
  maxResponseBytes?: number;
  logger?: { warn(msg: string, attrs?: object): void };
  /** Epoch ms, to read `Retry-After` dates; `Date.now` by default. */
  now?: () => number;
}

/** Hosts that may be reached over `http:`, when allowed at all: nothing on the way can read the token. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** Slack's answer: its status, and its body when that was short enough to read. */
type Answer = { status: number; headers: Record<string, string>; body?: string };

const HEADERS = { "content-type": "application/json; charset=utf-8", "user-agent": "atlas-peering-gateway" };

/**
 * Posts answers to Slack's `response_url`. The URL comes in the request body, so it is only followed to an
 * allowed host: the gateway must never POST wherever a forged request points it. The URL's path is a
 * capability token, so only its host is ever logged. One attempt per call, bounded in time and bytes read:
 * retrying is the caller's, guided by `retryable` and `retryAfterMs`.
 */
export class SlackResponseUrlReplies implements SlackReplies {
  private readonly transport: HttpTransport;
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly redirectBaseUrl: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly warn: (msg: string, attrs?: object) => void;
  private readonly now: () => number;

  constructor(options: SlackResponseUrlRepliesOptions) {
    this.transport = options.transport;
    this.allowedHosts = new Set((options.allowedHosts ?? ["hooks.slack.com"]).map((h) => h.toLowerCase()));
    this.redirectBaseUrl = options.redirectBaseUrl?.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16_384;
    const logger = options.logger;
    this.warn = logger ? (msg, attrs) => logger.warn(msg, attrs) : () => {};
    this.now = options.now ?? Date.now;
  }

  /** Posts one message; when it was refused or not delivered, also a warning naming the host only. */
  async post(responseUrl: string, message: SlackMessage): Promise<ReplyResult> {
    const target = this.allowedTarget(responseUrl);
    // Neither a refused URL nor an unserialisable message gets better by waiting.
    if (target === undefined) return { delivered: false, retryable: false, lastOutcome: "URL_NOT_ALLOWED" };
    let body: string;
    try {
      body = JSON.stringify(message);
    } catch {
      this.warn("Slack reply not sent: the message cannot be serialised", { host: target.hostname });
      return { delivered: false, retryable: false, lastOutcome: "INVALID_MESSAGE" };
    }
    return this.attempt(this.destination(responseUrl, target), target.hostname, body);
  }

  /** The allowed URL as sent, or its twin under `redirectBaseUrl` when it is Slack's own. */
  private destination(responseUrl: string, target: URL): string {
    const isSlack = target.protocol === "https:" && target.hostname.toLowerCase() === "hooks.slack.com";
    if (this.redirectBaseUrl === undefined || !isSlack) return responseUrl;
    return `${this.redirectBaseUrl}${target.pathname}${target.search}`;
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

  /** One POST, judged by Slack's status. Transport errors are reduced to their code: their messages carry the URL's path. */
  private async attempt(url: string, host: string, body: string): Promise<ReplyResult> {
    const answer = await this.send(url, body);
    if ("status" in answer) return this.judge(host, answer);
    const code = answer.failure instanceof TransportError ? answer.failure.networkCode : "NETWORK_ERROR";
    const retryable = mayDeliverLater(answer.failure);
    this.warn("Slack reply failed", { host, code, retryable });
    return { delivered: false, retryable, lastOutcome: code };
  }

  private async send(url: string, body: string): Promise<Answer | { failure: unknown }> {
    const bounds = { timeoutMs: this.timeoutMs, maxResponseBytes: this.maxResponseBytes };
    try {
      return await this.transport({ method: "POST", url, headers: HEADERS, body, ...bounds });
    } catch (error) {
      // Slack's status is its answer even when the body was too long to read.
      if (error instanceof ResponseTooLargeError) return { status: error.status, headers: error.headers };
      return { failure: error };
    }
  }

  /** 2xx is delivered; 429 and 5xx may pass later; any other 4xx means this URL is done (expired, used). */
  private judge(host: string, { status, headers, body }: Answer): ReplyResult {
    const lastOutcome = String(status);
    if (status >= 200 && status < 300) return { delivered: true, retryable: false, lastOutcome };
    const retryable = status === 429 || (status >= 500 && status < 600);
    // Slack answers errors with a short code (`expired_url`, `no_active_hooks`): useful, and holds no token.
    const text = body?.trim() ?? "";
    const slackError = /^[a-z_]{1,64}$/.test(text) ? text : undefined;
    this.warn("Slack reply failed", { host, status, retryable, slackError });
    const wait = retryable ? retryAfterMs(headers["retry-after"], this.now()) : undefined;
    return {
      delivered: false,
      retryable,
      lastOutcome,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    };
  }
}
