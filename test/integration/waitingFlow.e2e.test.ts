import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { optionsFromEnv } from "../../local/startOptions.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import {
  changeApi,
  otherAccountPeer,
  otherAccountPeering,
  patchesTo,
  Transcript,
  until,
} from "./support/gatewayE2e.js";
import { digestFetch } from "./support/simDigest.js";

/**
 * The waiting flow rehearsed on the local stack, started from the environment as `npm start` starts it, over
 * real sockets: with ATLAS_SIM_AUTO_ACCEPT=false an AWS change reaches WAITING_FOR_USER and stays there (the
 * simulated peer holds in PENDING_ACCEPTANCE) until someone calls the simulator's accept endpoint; then it
 * settles SUCCEEDED. With GATEWAY_DATA_DIR the wait survives a restart of the whole stack. The peer is the one
 * in the AWS account where the gateway holds no role (it accepts in the demo AWS peer's account itself).
 */

const TOKEN = "e2e-token-waiting-flow-01";
let dataDir: string;
let stack: LocalStack | undefined;

/** `npm start`'s environment, fast: statuses every 300 ms, re-checks from 150 ms, human waits up to 400 ms. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PORT: "0",
    ATLAS_SIM_PORT: "0",
    ATLAS_SIM_STEP_MS: "300",
    ATLAS_SIM_AUTO_ACCEPT: "false",
    GATEWAY_DEV_TOKEN: TOKEN,
    RECHECK_DELAY_SECONDS: "0.15",
    RECHECK_HUMAN_WAIT_MAX_SECONDS: "0.4",
    LOG_LEVEL: "SILENT",
    ...extra,
  };
}

/** Starts the stack as `npm start` would with `environment`, without printing its events. */
async function start(environment: NodeJS.ProcessEnv): Promise<LocalStack> {
  const { onEvent: _printed, ...options } = optionsFromEnv(environment);
  stack = await startLocalStack({ ...options, sweepEveryMs: 500 });
  return stack;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "apg-waiting-"));
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** The simulated AWS peer as Atlas's API shows it (digest, v2). */
async function atlasPeer(local: LocalStack): Promise<Record<string, unknown>> {
  const sim = local.simulator;
  if (!sim) throw new Error("the local stack has no embedded simulator");
  const url = `${sim.url}/api/atlas/v2/groups/${sim.demo.groupId}/peers/${otherAccountPeer(sim).peerId}`;
  const headers = { Accept: "application/vnd.atlas.2023-01-01+json" };
  const answer = await digestFetch(url, { headers, username: DEMO_PUBLIC_KEY, password: DEMO_PRIVATE_KEY });
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** The accept call a person makes by hand (`curl -X POST …/__sim/peers/{id}/accept`). */
async function acceptByHand(local: LocalStack): Promise<number> {
  const sim = local.simulator;
  if (!sim) throw new Error("the local stack has no embedded simulator");
  const answer = await fetch(`${sim.url}/__sim/peers/${otherAccountPeer(sim).peerId}/accept`, {
    method: "POST",
  });
  return answer.status;
}

/** Submits a CIDR change of the demo AWS peer and waits until the gateway reports WAITING_FOR_USER. */
async function submitAndWait(local: LocalStack, cidr: string): Promise<ChangeView> {
  const sim = local.simulator;
  if (!sim) throw new Error("the local stack has no embedded simulator");
  const api = changeApi(local.gatewayUrl, TOKEN, new Transcript());
  const peering = otherAccountPeering(sim, cidr);
  const submitted = await api.submit({
    groupId: sim.demo.groupId,
    peerId: otherAccountPeer(sim).peerId,
    peering,
  });
  expect(submitted.status).toBe(202);
  const id = (submitted.body as { id: string }).id;
  const waiting = await until(
    () => api.get(id),
    (change) => change.state === "WAITING_FOR_USER",
  );
  expect(waiting).toMatchObject({ id, state: "WAITING_FOR_USER" });
  return waiting;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ATLAS_SIM_AUTO_ACCEPT=false on the local stack", () => {
  it("waits in WAITING_FOR_USER until the accept call, then settles SUCCEEDED", {
    timeout: 30_000,
  }, async () => {
    const local = await start(env());
    const sim = local.simulator;
    expect(sim?.autoAccept).toBe(false);
    const waiting = await submitAndWait(local, "10.20.0.0/21");
    const pending = await atlasPeer(local);
    expect(pending).toMatchObject({ statusName: "PENDING_ACCEPTANCE", routeTableCidrBlock: "10.20.0.0/21" });
    expect(waiting.nextAction).toContain(String(pending.connectionId));

    // Many status steps and several re-checks later, nothing has moved on by itself.
    const reads = sim?.requests.filter((r) => r.method === "GET" && r.authenticated).length ?? 0;
    await sleep(3_000);
    const api = changeApi(local.gatewayUrl, TOKEN, new Transcript());
    expect((await api.get(waiting.id)).state).toBe("WAITING_FOR_USER");
    expect((await atlasPeer(local)).statusName).toBe("PENDING_ACCEPTANCE");
    const later = sim?.requests.filter((r) => r.method === "GET" && r.authenticated).length ?? 0;
    expect(later - reads).toBeGreaterThanOrEqual(3);
    expect(sim ? patchesTo(sim, otherAccountPeer(sim).peerId) : []).toHaveLength(1);

    expect(await acceptByHand(local)).toBe(200);
    const settled = await api.settled(waiting.id);
    expect(settled).toMatchObject({ state: "SUCCEEDED" });
    expect(await atlasPeer(local)).toMatchObject({
      statusName: "AVAILABLE",
      connectionId: pending.connectionId,
    });
  });

  it("keeps the wait across a restart with GATEWAY_DATA_DIR", { timeout: 40_000 }, async () => {
    const first = await start(env({ GATEWAY_DATA_DIR: dataDir }));
    const waiting = await submitAndWait(first, "10.21.0.0/21");
    const pending = await atlasPeer(first);
    await first.close();
    stack = undefined;

    const second = await start(env({ GATEWAY_DATA_DIR: dataDir }));
    expect(second.simulator?.stateFile).toBe(join(dataDir, "atlas-simulator.json"));
    expect(await atlasPeer(second)).toEqual(pending);
    const api = changeApi(second.gatewayUrl, TOKEN, new Transcript());
    expect((await api.get(waiting.id)).state).toBe("WAITING_FOR_USER");
    expect(await acceptByHand(second)).toBe(200);
    expect(await api.settled(waiting.id)).toMatchObject({ state: "SUCCEEDED" });
    // The peer held what was asked: the restarted gateway had nothing to send again.
    const sim = second.simulator;
    expect(sim ? patchesTo(sim, otherAccountPeer(sim).peerId) : ["no simulator"]).toEqual([]);
  });
});

describe("ATLAS_SIM_AUTO_ACCEPT is read strictly", () => {
  it("refuses a value that is neither true nor false, instead of accepting by default", () => {
    expect(() => optionsFromEnv(env({ ATLAS_SIM_AUTO_ACCEPT: "flase" }))).toThrow(
      'ATLAS_SIM_AUTO_ACCEPT must be true or false, got "flase"',
    );
    expect(optionsFromEnv(env({ ATLAS_SIM_AUTO_ACCEPT: "FALSE" })).simulatorAutoAccept).toBe(false);
    expect(optionsFromEnv(env({ ATLAS_SIM_AUTO_ACCEPT: undefined })).simulatorAutoAccept).toBe(true);
  });
});
