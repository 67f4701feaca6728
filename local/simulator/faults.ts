/**
 * Fault injection: a queue of rules consumed by the Atlas API answers they match. A rule either replaces the
 * answer with an error (500/503/429, a refusal, or a load balancer's 502/504), drops the connection without
 * answering, or delays the answer. Delays
 * combine with the other two, so "slow, then 503" can be rehearsed.
 */

/**
 * Statuses a fault can answer with: outages, the refusals a client must not retry (with an `errorCode`), and
 * the load balancer in front of Atlas giving up on it ({@link LoadBalancerStatus}).
 */
export type FaultStatus = 500 | 503 | 429 | RefusalStatus | LoadBalancerStatus;

/**
 * 502 and 504 come from the load balancer in front of Atlas, not from Atlas: a short HTML page, no Atlas error
 * body, no RateLimit headers. A client must not expect JSON on them (docs/atlas-api.md §2.5).
 */
export type LoadBalancerStatus = 502 | 504;

/** Refusal statuses a fault can answer with; each needs one of its {@link REFUSAL_CODES}. */
export type RefusalStatus = 400 | 403 | 404;

/**
 * The refusals a fault can rehearse: a 400 the gateway's validation would not catch, the API key's IP access
 * list refusing the caller (docs/atlas-api.md §2.2: the current name and the legacy ones, still sent), the
 * peer gone.
 */
export const REFUSAL_CODES = {
  400: ["INVALID_ATTRIBUTE"],
  403: ["IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP_ADDRESS_NOT_ON_WHITELIST", "ORG_REQUIRES_WHITELIST"],
  404: ["PEER_NOT_FOUND"],
} as const satisfies Record<RefusalStatus, readonly string[]>;

/** An error code a refusal fault answers with. */
export type RefusalCode = (typeof REFUSAL_CODES)[RefusalStatus][number];

/** The two rate-limit error codes Atlas uses (docs/atlas-api.md §2.3). */
export type RateLimitCode = "RATE_LIMITED" | "RATE_LIMITED_TOKEN_BUCKET";

/** Which requests a rule applies to; a missing field matches everything. `path` may use `*` as a wildcard. */
export interface FaultMatch {
  method?: string;
  path?: string;
}

/** Answer the next `count` (default 1) matching requests with an Atlas error. */
export interface StatusFaultSpec {
  status: FaultStatus;
  count?: number;
  /** Sent as `Retry-After` (not with 502/504); 429 always carries one (default 10 s). */
  retryAfterSeconds?: number;
  /**
   * 429: defaults to RATE_LIMITED_TOKEN_BUCKET on v2 paths and RATE_LIMITED on v1.0 ones. 400/403/404: required,
   * one of that status's {@link REFUSAL_CODES}.
   */
  errorCode?: RateLimitCode | RefusalCode;
  match?: FaultMatch;
}

/** Delay the next `count` matching answers, or every one until the faults are cleared when count is absent. */
export interface LatencyFaultSpec {
  latencyMs: number;
  count?: number;
  match?: FaultMatch;
}

/** Destroy the socket of the next `count` (default 1) matching requests without answering. */
export interface ResetFaultSpec {
  reset: "connection";
  count?: number;
  match?: FaultMatch;
}

/** Any fault the simulator accepts (the body of `POST /__sim/faults`). */
export type FaultSpec = StatusFaultSpec | LatencyFaultSpec | ResetFaultSpec;

/** A queued fault. `remaining` is null for a latency rule that lasts until cleared. */
export interface Fault {
  readonly id: number;
  readonly kind: "status" | "latency" | "reset";
  readonly spec: FaultSpec;
  remaining: number | null;
}

/** What the faults say about one request: how long to wait, then whether to fail or drop it. */
export interface FaultEffects {
  latencyMs: number;
  outcome: { kind: "status"; spec: StatusFaultSpec } | { kind: "reset" } | undefined;
}

function kindOf(spec: FaultSpec): Fault["kind"] {
  if ("status" in spec) return "status";
  return "latencyMs" in spec ? "latency" : "reset";
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** Whether a rule's `match` selects a request with this method and path (query excluded). */
export function matches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (match?.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match?.path !== undefined && !globToRegExp(match.path).test(path)) return false;
  return true;
}

/** The queue of pending faults, consumed in the order they were added. */
export class FaultQueue {
  #faults: Fault[] = [];
  #nextId = 1;

  /** Queues a fault and returns it. */
  add(spec: FaultSpec): Fault {
    const kind = kindOf(spec);
    const remaining = spec.count ?? (kind === "latency" ? null : 1);
    const fault: Fault = { id: this.#nextId++, kind, spec, remaining };
    this.#faults.push(fault);
    return fault;
  }

  /**
   * Consumes the faults that apply to this request: at most one delay and one status-or-reset outcome.
   * `namedOnly`: only rules whose `match.path` is given apply (the token endpoint: a rule written for the API
   * must hit the same requests whether the client uses API keys or a service account).
   */
  take(method: string, path: string, options: { namedOnly?: boolean } = {}): FaultEffects {
    const named = (fault: Fault) => options.namedOnly !== true || fault.spec.match?.path !== undefined;
    const latency = this.#consume((fault) => fault.kind === "latency" && named(fault), method, path);
    const outcome = this.#consume((fault) => fault.kind !== "latency" && named(fault), method, path);
    return {
      latencyMs: latency !== undefined && "latencyMs" in latency.spec ? latency.spec.latencyMs : 0,
      outcome: toOutcome(outcome),
    };
  }

  /** The pending faults, oldest first. */
  list(): Fault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  /** Drops every pending fault. */
  clear(): void {
    this.#faults = [];
  }

  #consume(kind: (fault: Fault) => boolean, method: string, path: string): Fault | undefined {
    const fault = this.#faults.find((f) => kind(f) && matches(f.spec.match, method, path));
    if (fault === undefined || fault.remaining === null) return fault;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== fault);
    return fault;
  }
}

function toOutcome(fault: Fault | undefined): FaultEffects["outcome"] {
  if (fault === undefined) return undefined;
  return "status" in fault.spec ? { kind: "status", spec: fault.spec } : { kind: "reset" };
}
