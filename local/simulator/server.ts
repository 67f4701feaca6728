import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AtlasApiDeps, handleAtlasApi } from "./atlasApi.js";
import { type ControlDeps, handleControl } from "./control.js";
import { atlasError } from "./errors.js";
import { TOKEN_PATH } from "./oauth.js";
import { type RecordedRequest, recordRequest, redactBody, redactHeaders } from "./recorder.js";
import { JSON_TYPE, type SimRequest, sendJson } from "./respond.js";

/**
 * The HTTP server: reads each request in full, logs it, and hands it to the control endpoint (`/__sim/`) or to
 * the Atlas API surface (everything else, which answers unknown paths as Atlas does).
 */

/** Everything the server dispatches to, plus the clock its log uses. */
export interface ServerDeps extends AtlasApiDeps, ControlDeps {
  requests: RecordedRequest[];
  now: () => number;
}

/** Request bodies above this are refused: peering bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Pending latency-fault waits, so closing the simulator does not leave timers holding the process open. */
export class Delays {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Resolves after `ms`, unless {@link cancelAll} runs first (then it never resolves). */
  wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });

  /** Cancels every pending wait. */
  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** Reads the body; undefined when it exceeds {@link MAX_BODY_BYTES}. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    // Keep draining so the answer can still be written, but stop buffering.
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8");
}

function toSimRequest(req: IncomingMessage, body: string): SimRequest {
  const url = req.url ?? "/";
  const parsed = new URL(url, "http://simulator.invalid");
  return {
    method: req.method ?? "GET",
    url,
    path: parsed.pathname,
    query: parsed.searchParams,
    headers: req.headers,
    body,
  };
}

function isControlPath(path: string): boolean {
  return path === "/__sim" || path.startsWith("/__sim/");
}

async function dispatch(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const simRequest = toSimRequest(req, body ?? "");
  if (isControlPath(simRequest.path)) {
    handleControl(deps, simRequest, res);
    return;
  }
  const record = recordRequest(deps.requests, {
    method: simRequest.method,
    path: simRequest.path,
    query: simRequest.url.includes("?") ? simRequest.url.slice(simRequest.url.indexOf("?") + 1) : "",
    headers: redactHeaders(req.headers),
    body: redactBody(simRequest.body, simRequest.path, TOKEN_PATH),
    at: deps.now(),
  });
  res.on("finish", () => {
    record.status = res.statusCode;
  });
  if (body === undefined) {
    const error = atlasError("PAYLOAD_TOO_LARGE", MAX_BODY_BYTES);
    sendJson(res, 413, error, { contentType: JSON_TYPE, pretty: false, headers: { Connection: "close" } });
    return;
  }
  await handleAtlasApi(deps, simRequest, res, record);
}

/** Creates the (not yet listening) server. A bug in a handler answers 500 UNEXPECTED_ERROR, like Atlas. */
export function createSimulatorServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    dispatch(deps, req, res).catch((error: unknown) => {
      console.error("atlas simulator: request failed", error);
      sendJson(res, 500, atlasError("UNEXPECTED_ERROR"), { contentType: JSON_TYPE, pretty: false });
    });
  });
}
