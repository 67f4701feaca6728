import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "../../../src/access/signature.js";
import type { ChangeView } from "../../../src/domain/change/view.js";

/** Credentials and ids the fake gateway knows. */
export const TOKEN = "cli-test-token-7c1d2e3f4a5b";
export const CALLER = "ci-pipeline";
export const SECRET = "cli-test-signing-secret-0a1b2c3d";
export const GROUP = "5f1e2d3c4b5a69788796a5b4";
export const PEER = "5f1e2d3c4b5a69788796a5c1";
export const ACTION = "Accept VPC peering connection pcx-1 in AWS account 123456789012";

/** A request the fake gateway accepted, and how it was authenticated. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  auth: "bearer" | "signed";
}

/** When every scripted change was created: the clock the CLI tests start at. */
export const CREATED_AT = Date.UTC(2025, 0, 2, 3, 4, 1);

function view(id: string, state: ChangeView["state"], status: string, attempt: number): ChangeView {
  const at = new Date(Date.UTC(2025, 0, 2, 3, 4, attempt)).toISOString();
  return {
    ...{ id, state, groupId: GROUP, peerId: PEER, provider: "AWS", apiVersion: "v2", callerId: CALLER },
    ...{
      channel: "http",
      correlationId: `req-${id}`,
      desired: {},
      atlas: { status },
      attempt,
      deadline: at,
      createdAt: new Date(CREATED_AT).toISOString(),
      updatedAt: at,
    },
    history: [],
    ...(state === "WAITING_FOR_USER" ? { nextAction: ACTION } : {}),
    links: { self: `/v1/peering-changes/${id}` },
  };
}

/** GETs of a change play its script in order; the last view sticks. */
const SCRIPTS: Record<string, ChangeView[]> = {
  happy: [
    view("", "IN_PROGRESS", "INITIATING", 1),
    view("", "WAITING_FOR_USER", "PENDING_ACCEPTANCE", 2),
    view("", "WAITING_FOR_USER", "PENDING_ACCEPTANCE", 2),
    view("", "SUCCEEDED", "AVAILABLE", 3),
  ],
  failed: [view("", "IN_PROGRESS", "INITIATING", 1), view("", "FAILED", "FAILED", 2)],
  cancelled: [view("", "CANCELLED", "PENDING_ACCEPTANCE", 2)],
  slow: [view("", "IN_PROGRESS", "INITIATING", 1)],
  flaky: [view("", "IN_PROGRESS", "INITIATING", 1), view("", "SUCCEEDED", "AVAILABLE", 2)],
};
const LISTED = [1, 2, 3, 4, 5].map((n) => view(`chg-list-${n}`, "SUCCEEDED", "AVAILABLE", n));

/**
 * A scripted stand-in for the gateway's `/v1/peering-changes` API, for the CLI's tests: it checks credentials
 * (bearer, or a signature verified with `signRequest`), records every authenticated request, and plays each
 * change through a script chosen by the first part of its id (`happy-…`, `failed-…`, `cancelled-…`, `slow-…`;
 * `flaky-…` answers its second GET once with a 503).
 * Submits whose groupId is `bad-group` get a 400 with field errors, whose peerId is `busy-peer` a 409.
 */
export class FakeGateway {
  readonly server: Server = createServer((req, res) => void this.handle(req, res));
  requests: Recorded[] = [];
  private readonly played = new Map<string, number>();
  private readonly flaked = new Set<string>();
  private created = 0;
  url = "";

  /** Listens on an ephemeral port of 127.0.0.1 and sets `url`. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening. */
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of req) body += chunk;
    const method = req.method ?? "";
    const url = req.url ?? "";
    const auth = this.authenticate(req, body);
    if (!auth) return send(res, 401, problem(401, "Unauthorized", "missing or bad credential"));
    this.requests.push({ method, url, headers: req.headers, body, auth });
    const { pathname, searchParams } = new URL(url, "http://gateway");
    const id = pathname.split("/")[3];
    if (method === "POST" && pathname === "/v1/peering-changes") return this.submit(JSON.parse(body), res);
    if (method === "GET" && id?.startsWith("flaky") && this.played.get(id) === 1 && !this.flaked.has(id)) {
      this.flaked.add(id);
      return send(res, 503, problem(503, "Service Unavailable", "try again"));
    }
    if (method === "GET" && id) return send(res, 200, this.next(decodeURIComponent(id)));
    if (method === "DELETE" && id) return send(res, 200, view(id, "CANCELLED", "PENDING_ACCEPTANCE", 2));
    const offset = Number(searchParams.get("cursor") ?? 0);
    const limit = Number(searchParams.get("limit") ?? 2);
    const items = LISTED.slice(offset, offset + limit);
    const more = offset + limit < LISTED.length;
    return send(res, 200, { items, ...(more ? { cursor: String(offset + limit) } : {}) });
  }

  private authenticate(req: IncomingMessage, body: string): Recorded["auth"] | undefined {
    if (req.headers.authorization === `Bearer ${TOKEN}`) return "bearer";
    const { "x-gateway-caller": caller, "x-gateway-timestamp": timestamp } = req.headers;
    if (caller !== CALLER || typeof timestamp !== "string") return undefined;
    const parts = { timestamp, method: req.method ?? "", pathWithQuery: req.url ?? "", body };
    return req.headers["x-gateway-signature"] === signRequest(SECRET, parts) ? "signed" : undefined;
  }

  private submit(body: { peerId?: string; groupId?: string; reason?: string }, res: ServerResponse): void {
    if (body.groupId === "bad-group") {
      const errors = [
        { path: "peering.vpcId", message: "must be vpc- followed by 17 lowercase hex characters" },
      ];
      send(res, 400, { ...problem(400, "The request is not valid", "1 field(s) are not valid"), errors });
      return;
    }
    if (body.peerId === "busy-peer") {
      send(res, 409, { ...problem(409, "Conflict", "not settled yet"), changeRequestId: "chg-inflight" });
      return;
    }
    const id = `${body.reason ?? "happy"}-${++this.created}`;
    const change = this.next(id);
    send(res, 202, { id, state: change.state, atlas: {}, change }, { location: `/v1/peering-changes/${id}` });
  }

  private next(id: string): ChangeView {
    const script = SCRIPTS[id.split("-")[0] ?? ""] ?? SCRIPTS.happy ?? [];
    const step = Math.min(this.played.get(id) ?? 0, script.length - 1);
    this.played.set(id, step + 1);
    return { ...(script[step] as ChangeView), id, history: historyOf(script.slice(0, step + 1)) };
  }
}

/** The history the gateway would have recorded for the views played so far: one entry per new state. */
function historyOf(played: ChangeView[]): ChangeView["history"] {
  const history: ChangeView["history"] = [];
  for (const view of played) {
    const last = history.at(-1);
    if (last?.to === view.state && last.atlasStatus === view.atlas.status) continue;
    const to = view.state;
    history.push({ at: view.updatedAt, from: last?.to ?? null, to, atlasStatus: view.atlas.status ?? "" });
  }
  return history;
}

function problem(status: number, title: string, detail: string) {
  return { type: "https://atlas-peering-gateway.dev/problems/x", title, status, detail, requestId: "req-1" };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "content-type": type, ...headers }).end(JSON.stringify(body));
}
