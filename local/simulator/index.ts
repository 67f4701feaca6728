import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ContainerStore } from "./containers.js";
import { createFaultController, type FaultController } from "./controller.js";
import { type DemoProject, demoProject } from "./demo.js";
import { DigestVerifier } from "./digestVerifier.js";
import { rehearsalFromEnv } from "./env.js";
import { FaultQueue } from "./faults.js";
import { TokenIssuer } from "./oauth.js";
import { PeerStore } from "./peers.js";
import { announcer, type PendingAwsPeering } from "./pendingAcceptance.js";
import { parseRateLimit, RateLimits, type TokenBucketLimit } from "./rateLimit.js";
import type { RecordedRequest } from "./recorder.js";
import { createSimulatorServer, Delays } from "./server.js";
import { keepState } from "./stateFile.js";

/**
 * An embedded MongoDB Atlas simulator for the network peering endpoints (and the containers they belong
 * to): digest authentication and service accounts (OAuth client credentials), both API generations,
 * per-provider status progression, fault injection and state kept across restarts, on a local HTTP port. Users try the gateway
 * against it and rehearse Atlas failures; tests drive it with an injected clock.
 */

export type { FaultController } from "./controller.js";
export type { DemoAwsPeer, DemoAzurePeer, DemoGcpPeer, DemoProject } from "./demo.js";
export type {
  Fault,
  FaultMatch,
  FaultSpec,
  LatencyFaultSpec,
  ResetFaultSpec,
  StatusFaultSpec,
} from "./faults.js";
export { ATLAS_AWS_ACCOUNT_ID, type PeeringSideInfo, type PendingAwsPeering } from "./pendingAcceptance.js";
export type { ErrorStateName, ProviderName } from "./progression.js";
export type { TokenBucketLimit } from "./rateLimit.js";
export type { RecordedRequest } from "./recorder.js";

/** Digest username (Atlas public key) the simulator accepts by default. Not a secret: it is a demo key. */
export const DEMO_PUBLIC_KEY = "simdemok";

/** Digest password (Atlas private key) the simulator accepts by default. Not a secret: it is a demo key. */
export const DEMO_PRIVATE_KEY = "5e1f0c4a-7b2d-4c8e-9f3a-6d2b1e0a9c47";

/** Service-account client id the simulator accepts by default. Not a secret: it is a demo value. */
export const DEMO_CLIENT_ID = "mdb_sa_id_5f1e2d3c4b5a69788796a5e1";

/** Service-account client secret the simulator accepts by default. Not a secret: it is a demo value. */
export const DEMO_CLIENT_SECRET = "mdb_sa_sk_simdemo-3c9a7e1f5b2d4a6c8e0f";

/** How to start a simulator; every field is optional. */
export interface SimulatorOptions {
  /** Interface to listen on; default "127.0.0.1" (never all interfaces unless asked). */
  host?: string;
  /** Port; default 0 (an ephemeral port, read it back from `url`). */
  port?: number;
  /** Time between two status steps after a PATCH; default 2000 ms. */
  stepMs?: number;
  /**
   * Whether the customer's step (AWS acceptance, GCP reciprocal peering) passes by itself after a step;
   * default true. False: the peer waits there until `faults.acceptPeer` or `POST /__sim/peers/{id}/accept`.
   */
  autoAccept?: boolean;
  /** Digest username; default {@link DEMO_PUBLIC_KEY}. */
  publicKey?: string;
  /** Digest password; default {@link DEMO_PRIVATE_KEY}. */
  privateKey?: string;
  /** The service account `POST /api/oauth/token` accepts; default {@link DEMO_CLIENT_ID} / {@link DEMO_CLIENT_SECRET}. */
  serviceAccount?: { clientId: string; clientSecret: string };
  /** `expires_in` of issued tokens; a token is refused (401) once this has passed. Default 3600 (Atlas's 1 h). */
  tokenLifetimeSeconds?: number;
  /** How long a nonce is accepted before the answer is 401 with `stale=true`; default 300 000 ms. */
  nonceLifetimeMs?: number;
  /** Clock for status progression, nonce and token lifetimes and the request log; default Date.now. */
  now?: () => number;
  /**
   * Keep the peers and containers in `<dataDir>/atlas-simulator.json` across restarts (the local stack passes
   * `GATEWAY_DATA_DIR`); in memory when absent. Progression times are on the `now` clock, so a restart with
   * the same clock finds each peer where it would have been.
   */
  dataDir?: string;
  /**
   * Enforce Atlas's token bucket per project: `"10/5/60"` (capacity / refill / seconds) or the numbers. Default:
   * `ATLAS_SIM_RATE_LIMIT`, else none (advisory `RateLimit-*` headers only, 429s only from faults).
   */
  rateLimit?: TokenBucketLimit | string;
  /** Extra AWS peers in the demo project (listed by `GET /__sim/demo`); default `ATLAS_SIM_DEMO_PEERS`, else 0. */
  demoPeers?: number;
  /** Unexpired tokens a service account may hold before the token endpoint answers 403; default 100 (Atlas's). */
  maxActiveTokens?: number;
  /** Add the AWS peer in another account (`demo.awsOtherAccount`) to the demo project; default false. */
  otherAccountPeer?: boolean;
  /**
   * Told once per request when an AWS peer reaches PENDING_ACCEPTANCE, during the read that first shows it:
   * the pcx, the peer's VPC and Atlas's. The local stack puts the request into its EC2 emulator.
   */
  onPendingAcceptance?: (peering: PendingAwsPeering) => void;
}

/** A running simulator. */
export interface AtlasSimulator {
  /** Base URL, e.g. http://127.0.0.1:3001 (no trailing slash). */
  url: string;
  /** False: peers wait at PENDING_ACCEPTANCE / WAITING_FOR_USER until accepted (`faults.acceptPeer`). */
  autoAccept: boolean;
  /** The file the state is kept in, when `dataDir` was given. */
  stateFile?: string;
  /** Every Atlas API request received, oldest first, Authorization redacted. Control calls are not logged. */
  requests: RecordedRequest[];
  /** The demo project's ids and settings. */
  demo: DemoProject;
  /** The token bucket enforced per project, when one is (`rateLimit` / `ATLAS_SIM_RATE_LIMIT`). */
  rateLimit?: TokenBucketLimit;
  /** How many service-account tokens are unexpired (Atlas refuses a new one past 100: `maxActiveTokens`). */
  activeTokens(): number;
  /** Fault injection and forced peer states, the in-process twin of the `/__sim/` control endpoint. */
  faults: FaultController;
  /** Puts the demo peers and containers back to their initial state and clears faults and the request log. */
  reset(): void;
  /** Stops listening, drops open connections and cancels pending latency faults. */
  close(): Promise<void>;
}

function listen(
  server: ReturnType<typeof createSimulatorServer>,
  host: string,
  port: number,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function baseUrl(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function createVerifier(options: SimulatorOptions, now: () => number): DigestVerifier {
  return new DigestVerifier({
    username: options.publicKey ?? DEMO_PUBLIC_KEY,
    password: options.privateKey ?? DEMO_PRIVATE_KEY,
    nonceLifetimeMs: options.nonceLifetimeMs ?? 300_000,
    now,
  });
}

function createTokenIssuer(options: SimulatorOptions, now: () => number): TokenIssuer {
  return new TokenIssuer({
    clientId: options.serviceAccount?.clientId ?? DEMO_CLIENT_ID,
    clientSecret: options.serviceAccount?.clientSecret ?? DEMO_CLIENT_SECRET,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    ...(options.maxActiveTokens === undefined ? {} : { maxActiveTokens: options.maxActiveTokens }),
    now,
  });
}

function closer(server: Server, delays: Delays): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) => {
      delays.cancelAll();
      server.close((error) => (error === undefined ? resolve() : reject(error)));
      // Keep-alive sockets would otherwise hold close() open until they time out.
      server.closeAllConnections();
    });
}

function bucketOf(limit: TokenBucketLimit | string | undefined): TokenBucketLimit | undefined {
  return typeof limit === "string" ? parseRateLimit(limit) : limit;
}

/** Starts a simulator and resolves once it listens. */
export async function startAtlasSimulator(options: SimulatorOptions = {}): Promise<AtlasSimulator> {
  const now = options.now ?? Date.now;
  const autoAccept = options.autoAccept ?? true;
  const fromEnv = rehearsalFromEnv(process.env);
  const demo = demoProject(options.demoPeers ?? fromEnv.demoPeers, options.otherAccountPeer ?? false);
  const store = new PeerStore({ now, stepMs: options.stepMs ?? 2000, autoAccept }, demo);
  const containers = new ContainerStore();
  store.onPendingAcceptance = announcer(options.onPendingAcceptance, containers);
  const stateFile = keepState(options.dataDir, store, containers);
  const queue = new FaultQueue();
  const rateLimit = new RateLimits(now, bucketOf(options.rateLimit ?? fromEnv.rateLimit));
  const delays = new Delays();
  const requests: RecordedRequest[] = [];
  const faults = createFaultController(queue, store);
  const reset = (): void => {
    // Containers first: resetting the peers saves the state.
    containers.reset();
    store.reset();
    queue.clear();
    rateLimit.reset();
    // Emptied in place: callers may hold on to the `requests` array itself.
    requests.length = 0;
  };
  const verifier = createVerifier(options, now);
  const tokens = createTokenIssuer(options, now);
  const api = { store, containers, verifier, tokens, faults: queue, rateLimit, delay: delays.wait };
  const server = createSimulatorServer({
    ...api,
    requests,
    now,
    demo,
    controller: faults,
    reset,
  });
  const address = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0);
  return {
    url: baseUrl(address),
    autoAccept,
    ...(stateFile === undefined ? {} : { stateFile: stateFile.path }),
    requests,
    demo,
    ...(rateLimit.limit === undefined ? {} : { rateLimit: rateLimit.limit }),
    activeTokens: () => tokens.activeTokens(),
    faults,
    reset,
    close: closer(server, delays),
  };
}
