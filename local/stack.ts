import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type CallerRegistry, parseCallerRegistry } from "../src/auth/callers.js";
import { hashToken } from "../src/auth/signature.js";
import { makeHttpHandler } from "../src/http/lambdaHandler.js";
import { startApiGatewayServer } from "./apiGatewayServer.js";
import { localDeps } from "./localDeps.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "./simulator/index.js";

/** The local stack's settings; `fromEnv` reads them from the documented environment variables. */
export interface LocalStackOptions {
  host?: string;
  port?: number;
  simulatorPort?: number;
  simulatorStepMs?: number;
  /** Forward to a real Atlas instead of the simulator. */
  atlas?: { baseUrl: string; publicKey: string; privateKey: string };
  devToken?: string;
  callersFile?: string;
  logLevel?: string;
}

export interface LocalStack {
  gatewayUrl: string;
  simulator?: AtlasSimulator;
  /** The dev caller's bearer token; absent when a callers file is used. */
  devToken?: string;
  close(): Promise<void>;
}

/**
 * Starts the gateway on 127.0.0.1 with no AWS or Atlas account: the real HTTP handler behind an API Gateway
 * v2 adapter, and the embedded Atlas simulator (unless a real Atlas is configured).
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? "127.0.0.1";
  const simulator = options.atlas
    ? undefined
    : await startAtlasSimulator({
        host,
        port: options.simulatorPort ?? 0,
        stepMs: options.simulatorStepMs ?? 2_000,
      });
  const atlas = options.atlas ?? {
    baseUrl: simulator?.url ?? "",
    publicKey: DEMO_PUBLIC_KEY,
    privateKey: DEMO_PRIVATE_KEY,
  };
  const devToken = options.callersFile
    ? undefined
    : (options.devToken ?? `dev-${randomBytes(18).toString("base64url")}`);
  const callers = options.callersFile
    ? await readCallersFile(options.callersFile)
    : devRegistry(devToken ?? "");
  const deps = localDeps({
    atlasBaseUrl: atlas.baseUrl,
    credentials: { publicKey: atlas.publicKey, privateKey: atlas.privateKey },
    callers,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const gateway = await startApiGatewayServer(makeHttpHandler(deps), { host, port: options.port ?? 0 });
  return {
    gatewayUrl: gateway.url,
    ...(simulator ? { simulator } : {}),
    ...(devToken ? { devToken } : {}),
    close: async () => {
      await gateway.close();
      await deps.close();
      await simulator?.close();
    },
  };
}

/** One caller, `local-dev`, allowed every project. */
function devRegistry(token: string): CallerRegistry {
  return {
    callers: [
      { id: "local-dev", tokenSha256: [hashToken(token)], signingSecrets: [], projects: [{ groupId: "*" }] },
    ],
  };
}

async function readCallersFile(path: string): Promise<CallerRegistry> {
  return parseCallerRegistry(JSON.parse(await readFile(path, "utf8")), `file ${path}`);
}
