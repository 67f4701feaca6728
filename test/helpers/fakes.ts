import type { AtlasCredentials } from "../../src/atlas/credentials.js";
import type { AtlasCredentialSource } from "../../src/ports/AtlasCredentialSource.js";
import type { AtlasAnswer, AtlasPeeringApi, PeerCall } from "../../src/ports/AtlasPeeringApi.js";

/** One call the fake Atlas received. */
export interface FakeAtlasCall {
  method: "PATCH" | "GET";
  credentials: AtlasCredentials;
  call: PeerCall;
  body?: string;
}

/**
 * An in-memory Atlas port: answers from a script (last answer repeats) and records every call, so tests can
 * prove what reached Atlas — or that nothing did.
 */
export class FakeAtlas implements AtlasPeeringApi {
  readonly calls: FakeAtlasCall[] = [];
  private readonly script: Array<Partial<AtlasAnswer> & { status: number; body: string }>;

  constructor(...script: Array<Partial<AtlasAnswer> & { status: number; body: string }>) {
    this.script = script.length > 0 ? script : [{ status: 200, body: "{}" }];
  }

  async updatePeer(credentials: AtlasCredentials, call: PeerCall, body: string): Promise<AtlasAnswer> {
    this.calls.push({ method: "PATCH", credentials, call, body });
    return this.next();
  }

  async getPeer(credentials: AtlasCredentials, call: PeerCall): Promise<AtlasAnswer> {
    this.calls.push({ method: "GET", credentials, call });
    return this.next();
  }

  private next(): AtlasAnswer {
    const entry = this.script.length > 1 ? this.script.shift() : this.script[0];
    return { headers: {}, attempts: 1, latencyMs: 3, ...entry } as AtlasAnswer;
  }
}

/** Credentials that change when refreshed, like a rotated secret; counts the fetches. */
export class RotatingCredentials implements AtlasCredentialSource {
  fetches: Array<{ groupId: string; refresh: boolean }> = [];
  constructor(
    private current: AtlasCredentials,
    private readonly afterRefresh: AtlasCredentials = current,
  ) {}

  async credentialsFor(groupId: string, options: { refresh?: boolean } = {}): Promise<AtlasCredentials> {
    this.fetches.push({ groupId, refresh: options.refresh ?? false });
    if (options.refresh) this.current = this.afterRefresh;
    return this.current;
  }
}
