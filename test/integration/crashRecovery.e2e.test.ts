import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AtlasSimulator, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../../local/simulator/index.js";
import { awsPeering, patchesTo, startFastSimulator, until } from "./support/gatewayE2e.js";

const TOKEN = "e2e-token-crash-recovery";
let sim: AtlasSimulator;
let dataDir: string;
let port: number;
let gateway: ChildProcess | undefined;

/** A free port on 127.0.0.1 (the stack is restarted on the same one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

/** `npm start`'s program in a process of its own, keeping its data in `dataDir`, forwarding to the simulator. */
async function startGateway(): Promise<void> {
  // node itself (tsx as a loader), not the tsx wrapper: SIGKILL must reach the process that serves.
  gateway = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      GATEWAY_DEV_TOKEN: TOKEN,
      GATEWAY_DATA_DIR: dataDir,
      ATLAS_BASE_URL: sim.url,
      ATLAS_PUBLIC_KEY: DEMO_PUBLIC_KEY,
      ATLAS_PRIVATE_KEY: DEMO_PRIVATE_KEY,
      LOG_LEVEL: "SILENT",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    stdio: "ignore",
  });
  const up = await until(
    () =>
      fetch(`${url()}/v1/peering-changes?groupId=${sim.demo.groupId}`, { headers: auth() }).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => status === 200,
    30_000,
  );
  expect(up).toBe(200);
}

/** SIGKILL: no handler runs, nothing is flushed or released. */
async function killGateway(): Promise<void> {
  const child = gateway;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

const url = () => `http://127.0.0.1:${port}`;
const auth = () => ({ authorization: `Bearer ${TOKEN}` });
const submit = (cidr: string) =>
  fetch(`${url()}/v1/peering-changes`, {
    method: "POST",
    headers: { ...auth(), "content-type": "application/json" },
    body: JSON.stringify({
      groupId: sim.demo.groupId,
      peerId: sim.demo.peers.aws.peerId,
      peering: awsPeering(sim, cidr),
    }),
  });

beforeAll(async () => {
  sim = await startFastSimulator();
  dataDir = await mkdtemp(join(tmpdir(), "apg-crash-"));
  port = await freePort();
});
afterAll(async () => {
  await killGateway();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("kill -9 of the local stack (GATEWAY_DATA_DIR keeps its data)", () => {
  it("while it reads the peer to plan a change leaves no lock: after a restart the change goes through", async () => {
    await startGateway();
    // A change from before the crash: it must still be there after the restart (the data dir is really used).
    const before = (await (await submit("10.80.0.0/21")).json()) as { id: string };
    const settled = await until(
      () =>
        fetch(`${url()}/v1/peering-changes/${before.id}`, { headers: auth() }).then(
          (r) => r.json() as Promise<{ state?: string }>,
        ),
      (change: { state?: string }) => change.state === "SUCCEEDED",
    );
    expect(settled).toMatchObject({ state: "SUCCEEDED" });
    sim.faults.inject({ latencyMs: 20_000, count: 1, match: { method: "GET" } });
    const seen = sim.requests.length;
    submit("10.81.0.0/21").catch(() => undefined); // its answer never comes: the process dies
    await until(
      () => sim.requests.slice(seen).filter((r) => r.method === "GET" && r.authenticated).length,
      (n) => n > 0,
    );
    await killGateway();
    sim.faults.clear();
    await startGateway();
    expect((await fetch(`${url()}/v1/peering-changes/${before.id}`, { headers: auth() })).status).toBe(200);
    const answer = await submit("10.81.0.0/21");
    expect(answer.status).toBeLessThan(300);
    // One PATCH for the change before the crash, one for this one; none for the request that died planning.
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(2);
  }, 90_000);
});
