import { createServer, type IncomingMessage } from "node:http";
import { listen } from "./aws/calls.js";

/** One message the gateway sent to a slash command's `response_url`, as the local Slack stand-in received it. */
export interface CapturedSlackReply {
  method: string;
  /** The `response_url`'s path (`/commands/T…/…`): which command the reply answers. */
  path: string;
  /** The message as JSON (Slack's `text`, `blocks`, `response_type`…); the raw text when it is not JSON. */
  body: unknown;
  /** ISO 8601 time it arrived. */
  time: string;
}

/** The local stand-in of `https://hooks.slack.com`: where the gateway's Slack replies go locally. */
export interface SlackReplyCatcher {
  /** The base URL the functions get as `SLACK_RESPONSE_BASE_URL`. */
  url: string;
  /** Every reply received, oldest first. */
  readonly replies: readonly CapturedSlackReply[];
  close(): Promise<void>;
}

/** Most replies kept: a long session must not grow without bound (the oldest are dropped). */
const MAX_REPLIES = 1_000;

/**
 * Starts a receiver on 127.0.0.1 that answers every POST as Slack's `response_url` does (`200 ok`) and
 * records it, so the progress and outcome messages a slash command gets later can be read locally
 * (`GET /__local/slack`) instead of going to the real hooks.slack.com, where they would be lost.
 */
export async function startSlackReplyCatcher(): Promise<SlackReplyCatcher> {
  const replies: CapturedSlackReply[] = [];
  const server = createServer((req, res) => {
    void readText(req).then((text) => {
      replies.push({
        method: req.method ?? "POST",
        path: new URL(req.url ?? "/", "http://localhost").pathname,
        body: parsed(text),
        time: new Date().toISOString(),
      });
      if (replies.length > MAX_REPLIES) replies.shift();
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  const { url, close } = await listen(server, {});
  return { url, replies, close };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
