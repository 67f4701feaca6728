import { signRequest } from "../src/access/signature.js";
import type { InventoryAnswer } from "../src/channels/common/inventoryAnswer.js";
import type { ChangeView } from "../src/domain/change/view.js";
import type { ChangeState } from "../src/domain/peering/status.js";
import type { AuditQuery, Auth, ListQuery, PeerListQuery } from "./args.js";
import {
  describeCause,
  GatewayNetworkError,
  Interrupted,
  isRecord,
  problemError,
  unexpected,
} from "./problem.js";

export { GatewayApiError, GatewayNetworkError } from "./problem.js";

/** The answer to `POST /v1/peering-changes`. `change` is absent on gateways older than the change view. */
export interface SubmitResponse {
  id: string;
  state: ChangeState;
  atlas: unknown;
  warnings?: string[];
  change?: ChangeView;
}

/** The answer to a dry run (`dryRun: true`): what the change would do. `merged` on gateways that merge. */
export interface PlanResponse {
  dryRun: true;
  groupId: string;
  peerId: string;
  noop: boolean;
  changes: string[];
  warnings: string[];
  refusal?: string;
  merged?: unknown;
  current?: unknown;
}

/** One page of `GET /v1/peering-changes` or `GET /v1/audit`. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}
export type ChangePage = Page<ChangeView>;

/** What the client needs: where the gateway is, who we are, and (for tests) a fetch and a clock. */
export interface ClientOptions {
  baseUrl: string;
  auth: Auth;
  fetch?: typeof fetch;
  now?: () => number;
  /** Per-request limit; a hung connection must not hang a CI job forever. */
  timeoutMs?: number;
  /** Ctrl-C: aborts the request in flight, which then throws {@link Interrupted}. */
  signal?: AbortSignal;
}

const COLLECTION = "/v1/peering-changes";
/** The drop-in reads speak Atlas's v2 API, whose answers are versioned by media type. */
const ATLAS_ACCEPT = "application/vnd.atlas.2023-01-01+json, application/json, application/problem+json";

/** A small client for the gateway's API: `/v1/peering-changes`, `/v1/audit` and the drop-in peer reads. */
export class GatewayClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  /** Submits a change; the same `idempotencyKey` makes a retried submit answer with the first change. */
  async submit(body: unknown, idempotencyKey?: string): Promise<SubmitResponse> {
    const headers: Record<string, string> = idempotencyKey ? { "idempotency-key": idempotencyKey } : {};
    const answer = await this.request("POST", COLLECTION, JSON.stringify(body), headers);
    return expectChange(answer) as unknown as SubmitResponse;
  }

  /** Asks what a change would do (`dryRun: true`); nothing is recorded or sent to Atlas. */
  async plan(body: Record<string, unknown>): Promise<PlanResponse> {
    const answer = await this.request("POST", COLLECTION, JSON.stringify({ ...body, dryRun: true }));
    if (!isRecord(answer) || answer.dryRun !== true) throw unexpected("an answer that is not a dry run");
    return { changes: [], warnings: [], ...answer } as unknown as PlanResponse;
  }

  /** Reads one change. */
  async get(id: string): Promise<ChangeView> {
    return expectChange(await this.request("GET", `${COLLECTION}/${encodeURIComponent(id)}`));
  }

  /** Reads one page of a project's changes, newest first. */
  async list(query: ListQuery): Promise<ChangePage> {
    return expectPage(
      await this.request("GET", `${COLLECTION}?${queryString(query)}`),
    ) as unknown as ChangePage;
  }

  /** Cancels a change that has not ended; answers the change, now CANCELLED. */
  async cancel(id: string): Promise<ChangeView> {
    return expectChange(await this.request("DELETE", `${COLLECTION}/${encodeURIComponent(id)}`));
  }

  /** A page of a project's audit trail, newest first. */
  async audit(query: AuditQuery): Promise<Page<Record<string, unknown>>> {
    return expectPage(await this.request("GET", `/v1/audit?${queryString(query)}`));
  }

  /** Every peering of a project across AWS, AZURE and GCP, with last changes and next steps (`GET /v1/peerings`). */
  async listPeerings(query: PeerListQuery): Promise<InventoryAnswer> {
    const answer = await this.request("GET", `/v1/peerings?${queryString(query)}`);
    if (!isRecord(answer) || !Array.isArray(answer.items)) throw unexpected("an inventory without items");
    return answer as unknown as InventoryAnswer;
  }

  /** One peering as Atlas has it, through the drop-in read. */
  async getPeer(groupId: string, peerId: string): Promise<Record<string, unknown>> {
    const path = `/api/atlas/v2/groups/${encodeURIComponent(groupId)}/peers/${encodeURIComponent(peerId)}`;
    const answer = await this.request("GET", path, undefined, { accept: ATLAS_ACCEPT });
    if (!isRecord(answer)) throw unexpected("a peer that is not a JSON object");
    return answer;
  }

  private async request(
    method: string,
    pathWithQuery: string,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<unknown> {
    const headers = {
      accept: "application/json, application/problem+json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...extra,
      ...this.authHeaders(method, pathWithQuery, body ?? ""),
    };
    const url = `${this.options.baseUrl}${pathWithQuery}`;
    const response = await this.send(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    if (!response.ok) throw problemError(response, text);
    try {
      return JSON.parse(text);
    } catch {
      throw unexpected(`a ${response.status} answer that is not JSON`);
    }
  }

  private authHeaders(method: string, pathWithQuery: string, body: string): Record<string, string> {
    const { auth } = this.options;
    if (auth.kind === "bearer") return { authorization: `Bearer ${auth.token}` };
    // The gateway signs the route path, without any stage prefix of the base URL (README, signed requests).
    const timestamp = String(Math.floor(this.now() / 1000));
    return {
      "x-gateway-caller": auth.caller,
      "x-gateway-timestamp": timestamp,
      "x-gateway-signature": signRequest(auth.secret, { timestamp, method, pathWithQuery, body }),
    };
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const { signal, stop } = requestSignal(timeoutMs, this.options.signal);
    try {
      return await this.fetch(url, { ...init, signal });
    } catch (error) {
      if (this.options.signal?.aborted) throw new Interrupted();
      // Only the origin: a base URL may carry a user:password part, which must not be printed.
      const origin = new URL(url).origin;
      const name = error instanceof Error ? error.name : "";
      const why = name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : describeCause(error);
      throw new GatewayNetworkError(`could not reach the gateway at ${origin}: ${why}`, { cause: error });
    } finally {
      stop();
    }
  }
}

/** The request's own timeout joined with Ctrl-C (by hand: `AbortSignal.any` is newer than Node 20.0). */
function requestSignal(timeoutMs: number, interrupt: AbortSignal | undefined) {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!interrupt) return { signal: timeout, stop: () => {} };
  const controller = new AbortController();
  const onTimeout = () => controller.abort(timeout.reason);
  const onInterrupt = () => controller.abort(interrupt.reason);
  if (interrupt.aborted) onInterrupt();
  timeout.addEventListener("abort", onTimeout, { once: true });
  interrupt.addEventListener("abort", onInterrupt, { once: true });
  const stop = () => {
    timeout.removeEventListener("abort", onTimeout);
    interrupt.removeEventListener("abort", onInterrupt);
  };
  return { signal: controller.signal, stop };
}

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  return params.toString();
}

function expectChange(answer: unknown): ChangeView {
  if (!isRecord(answer) || typeof answer.id !== "string" || typeof answer.state !== "string") {
    throw unexpected("an answer without a change id and state");
  }
  return answer as unknown as ChangeView;
}

function expectPage(answer: unknown): Page<Record<string, unknown>> {
  if (!isRecord(answer) || !Array.isArray(answer.items)) throw unexpected("a list without items");
  return answer as unknown as Page<Record<string, unknown>>;
}
