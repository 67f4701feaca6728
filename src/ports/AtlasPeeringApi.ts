import { type ErrorKind, GatewayError } from "../domain/errors.js";
import type { AtlasApiVersion } from "../domain/peering/apiVersion.js";
import type { PeerListQuery } from "../domain/peering/readQuery.js";
import type { AtlasQuery } from "../domain/peering/request.js";
import type { AtlasCredentials } from "./AtlasCredentialSource.js";

/** Which peer, through which API generation, with Atlas's own `pretty`/`envelope` flags. */
export interface PeerCall {
  groupId: string;
  peerId: string;
  apiVersion: AtlasApiVersion;
  query: AtlasQuery;
}

/** Atlas's answer exactly as it came (status, headers lower-cased, body bytes as text). */
export interface AtlasAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** How many requests it took (retries included). */
  attempts: number;
  latencyMs: number;
}

export interface AtlasCallOptions {
  /** Epoch milliseconds after which no new attempt starts (the Lambda's deadline minus a margin). */
  deadline: number;
}

/**
 * The Atlas peering endpoints. Implementations retry 429/5xx/network failures within the deadline and return
 * Atlas's last answer, whatever its status; they throw `AtlasUnavailableError` only when no answer came.
 */
export interface AtlasPeeringApi {
  updatePeer(
    credentials: AtlasCredentials,
    call: PeerCall,
    body: string,
    options: AtlasCallOptions,
  ): Promise<AtlasAnswer>;
  getPeer(credentials: AtlasCredentials, call: PeerCall, options: AtlasCallOptions): Promise<AtlasAnswer>;
  /** `GET /groups/{groupId}/peers` with the list's query as given (a GET: retried like `getPeer`). */
  listPeers(
    credentials: AtlasCredentials,
    call: PeerListCall,
    options: AtlasCallOptions,
  ): Promise<AtlasAnswer>;
  /**
   * `GET /api/atlas/v2/groups/{groupId}/containers/{containerId}`: the peer's network container, Atlas's side of
   * the peering (`atlasCidrBlock`, AWS `regionName`, GCP `gcpProjectId`/`networkName`). A GET: retried like `getPeer`.
   */
  getContainer(
    credentials: AtlasCredentials,
    call: ContainerCall,
    options: AtlasCallOptions,
  ): Promise<AtlasAnswer>;
}

/** Which network container; read through v2 only (next actions need no v1.0 compatibility). */
export interface ContainerCall {
  groupId: string;
  containerId: string;
  apiVersion: "v2";
}

/** Which project's peers, through which API generation, with Atlas's list query (paging, provider, flags). */
export interface PeerListCall {
  groupId: string;
  apiVersion: AtlasApiVersion;
  query: PeerListQuery;
}

/** Atlas's answer when it refuses a request: its own status and error body, as sent. */
export interface AtlasErrorBody {
  error?: number;
  errorCode?: string;
  detail?: string;
  reason?: string;
  parameters?: unknown[];
}

/**
 * Atlas could not be reached or kept failing (429/5xx/network) until the retry budget ran out. `status` is
 * Atlas's last status, absent when no answer came at all.
 */
export class AtlasUnavailableError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "atlas-unreachable";
  readonly title: string = "Atlas could not be reached";
  /** The last attempt may have reached Atlas (a reset or timeout after it was written): its effect is unknown. */
  readonly mayHaveArrived: boolean;
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown; mayHaveArrived?: boolean },
  ) {
    super(message, options);
    this.mayHaveArrived = options?.mayHaveArrived ?? false;
  }
}

/** Parses an Atlas error body leniently: Atlas errors are JSON, but a proxy in between may answer HTML. */
export function parseAtlasErrorBody(body: string): AtlasErrorBody | undefined {
  try {
    return atlasErrorBodyOf(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/** An already parsed value (the `content` of an `envelope=true` answer) as an Atlas error body, if it is one. */
export function atlasErrorBodyOf(value: unknown): AtlasErrorBody | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as AtlasErrorBody) : undefined;
}

/**
 * Atlas's OAuth token endpoint did not give the service account a token. `retryable`: it may succeed later
 * (429 rate limit, 5xx); otherwise Atlas refused the account itself (wrong or revoked secret, token quota) and
 * an operator must act. `retryAfterMs` is the token endpoint's `Retry-After`, when it sent one. The message
 * names the status and OAuth/Atlas error code only: never the client secret, the token or the answer's text.
 */
export class TokenEndpointError extends GatewayError {
  readonly code: string = "atlas-service-account";
  readonly title: string = "Atlas refused the gateway's service account";
  constructor(
    message: string,
    /** The OAuth or Atlas error code of the answer (`invalid_client`, `HTTP_429`…). */
    readonly errorCode: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A refusal that may pass (rate limit, 5xx) is Atlas being unavailable; a final one needs an operator. */
  get kind(): ErrorKind {
    return this.retryable ? "unavailable" : "misconfigured";
  }
}

/**
 * A Digest challenge that exists but cannot be answered (unsupported algorithm or qop, missing nonce,
 * malformed header). Messages quote only what the server sent, never credentials.
 */
export class DigestError extends GatewayError {
  readonly kind: ErrorKind = "unavailable";
  readonly code: string = "atlas-auth-handshake";
  readonly title: string = "Atlas's authentication challenge could not be answered";
}
