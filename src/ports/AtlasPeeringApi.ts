import type { AtlasCredentials } from "../atlas/credentials.js";
import type { AtlasQuery } from "../domain/peering/request.js";

/** The two Atlas Administration API generations the gateway speaks. */
export type AtlasApiVersion = "v1.0" | "v2";

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
}
