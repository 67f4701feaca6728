import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  type SimulatorOptions,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { MAX_STATE_BYTES, STATE_FILE_NAME } from "../../local/simulator/stateFile.js";
import { digestFetch, simFetch } from "./support/simDigest.js";

/**
 * The waiting flow without auto-acceptance (peers hold at the customer's step until the accept call), and the
 * state kept in a data folder: a simulator started again on the same folder finds the peers as they were.
 */

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
const STEP_MS = 1000;
let clock = Date.UTC(2026, 0, 1);
let dataDir: string;
const running: AtlasSimulator[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "apg-sim-state-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
  await rm(dataDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Closes one simulator now (a restart), so the clean-up does not close it again. */
async function stop(sim: AtlasSimulator): Promise<void> {
  running.splice(running.indexOf(sim), 1);
  await sim.close();
}

async function start(options: SimulatorOptions = {}): Promise<AtlasSimulator> {
  const sim = await startAtlasSimulator({ port: 0, stepMs: STEP_MS, now: () => clock, ...options });
  running.push(sim);
  return sim;
}

type Which = "aws" | "azure" | "gcp";

async function peer(sim: AtlasSimulator, which: Which, body?: object): Promise<Record<string, unknown>> {
  const url = `${sim.url}/api/atlas/v2/groups/${sim.demo.groupId}/peers/${sim.demo.peers[which].peerId}`;
  const headers = { Accept: V2_TYPE, "Content-Type": V2_TYPE };
  const init = body === undefined ? { headers } : { method: "PATCH", headers, body: JSON.stringify(body) };
  const response = await digestFetch(url, { ...init, username: DEMO_PUBLIC_KEY, password: DEMO_PRIVATE_KEY });
  expect(response.status).toBe(200);
  return JSON.parse(response.text) as Record<string, unknown>;
}

const statusOf = (body: Record<string, unknown>) => body.statusName ?? body.status;

async function accept(sim: AtlasSimulator, which: Which): Promise<Record<string, unknown>> {
  const url = `${sim.url}/__sim/peers/${sim.demo.peers[which].peerId}/accept`;
  const response = await simFetch(url, { method: "POST" });
  expect(response.status).toBe(200);
  return JSON.parse(response.text) as Record<string, unknown>;
}

describe("autoAccept: false", () => {
  it("holds AWS in PENDING_ACCEPTANCE until accepted, then FINALIZING, AVAILABLE", async () => {
    const sim = await start({ autoAccept: false });
    expect(sim.autoAccept).toBe(false);
    expect(statusOf(await peer(sim, "aws", { routeTableCidrBlock: "10.9.0.0/21" }))).toBe("INITIATING");
    clock += STEP_MS;
    const pending = await peer(sim, "aws");
    expect(pending).toMatchObject({ statusName: "PENDING_ACCEPTANCE", connectionId: expect.any(String) });
    clock += 1000 * STEP_MS;
    expect(await peer(sim, "aws")).toMatchObject({ statusName: "PENDING_ACCEPTANCE" });
    expect(statusOf(await accept(sim, "aws"))).toBe("FINALIZING");
    clock += STEP_MS;
    expect(await peer(sim, "aws")).toMatchObject({
      statusName: "AVAILABLE",
      connectionId: pending.connectionId,
    });
  });

  it("holds GCP in WAITING_FOR_USER until accepted; Azure has no such step", async () => {
    const sim = await start({ autoAccept: false });
    const { networkName, gcpProjectId } = sim.demo.peers.gcp;
    await peer(sim, "gcp", { providerName: "GCP", networkName, gcpProjectId });
    await peer(sim, "azure", { providerName: "AZURE" });
    clock += 1000 * STEP_MS;
    expect(statusOf(await peer(sim, "gcp"))).toBe("WAITING_FOR_USER");
    expect(statusOf(await peer(sim, "azure"))).toBe("AVAILABLE");
    expect(statusOf(await accept(sim, "gcp"))).toBe("AVAILABLE");
  });

  it("accepts by itself by default: the customer's step passes after one step", async () => {
    const sim = await start();
    expect(sim.autoAccept).toBe(true);
    await peer(sim, "aws", { routeTableCidrBlock: "10.9.0.0/21" });
    clock += 3 * STEP_MS;
    expect(statusOf(await peer(sim, "aws"))).toBe("AVAILABLE");
  });
});

describe("state kept in a data folder", () => {
  it("finds the peers as they were after a restart on the same folder", async () => {
    const first = await start({ autoAccept: false, dataDir });
    expect(first.stateFile).toBe(join(dataDir, STATE_FILE_NAME));
    await peer(first, "aws", { routeTableCidrBlock: "10.9.0.0/21" });
    clock += STEP_MS;
    const pending = await peer(first, "aws");
    first.faults.failPeer(first.demo.peers.gcp.peerId, "REJECTED");
    await stop(first);

    const second = await start({ autoAccept: false, dataDir });
    expect(await peer(second, "aws")).toEqual(pending);
    expect(await peer(second, "gcp")).toMatchObject({ status: "FAILED", errorMessage: expect.any(String) });
    expect(statusOf(await accept(second, "aws"))).toBe("FINALIZING");
    await stop(second);

    const third = await start({ autoAccept: false, dataDir });
    expect(await peer(third, "aws")).toMatchObject({
      statusName: "FINALIZING",
      routeTableCidrBlock: "10.9.0.0/21",
    });
    third.reset();
    await stop(third);
    const fourth = await start({ dataDir });
    expect(await peer(fourth, "aws")).toMatchObject({
      statusName: "AVAILABLE",
      routeTableCidrBlock: "10.8.0.0/21",
    });
  });

  it("writes one small JSON file and leaves no temporary file behind", async () => {
    const sim = await start({ dataDir });
    for (const cidr of ["10.9.0.0/21", "10.10.0.0/21", "10.11.0.0/21"]) {
      await peer(sim, "aws", { routeTableCidrBlock: cidr });
    }
    expect(await readdir(dataDir)).toEqual([STATE_FILE_NAME]);
    const text = await readFile(join(dataDir, STATE_FILE_NAME), "utf8");
    expect(text.length).toBeLessThan(MAX_STATE_BYTES);
    const kept = JSON.parse(text);
    expect(kept.version).toBe(1);
    expect(kept.peers).toHaveLength(3);
    expect(kept.containers).toHaveLength(3);
    expect(kept.peers[0].settings.routeTableCidrBlock).toBe("10.11.0.0/21");
  });

  it.each([
    ["not JSON", "{ half a file"],
    ["of another shape", JSON.stringify({ version: 1, peers: [{ id: "x" }], containers: [] })],
    ["too big", `{"version":1,"pad":"${"x".repeat(MAX_STATE_BYTES)}"}`],
  ])("starts from the demo state when the file is %s, keeping it aside", async (_what, content) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await writeFile(join(dataDir, STATE_FILE_NAME), content);
    const sim = await start({ dataDir });
    expect(await peer(sim, "aws")).toMatchObject({
      statusName: "AVAILABLE",
      routeTableCidrBlock: "10.8.0.0/21",
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("starting from the demo state"));
    expect((await readdir(dataDir)).sort()).toEqual([STATE_FILE_NAME, `${STATE_FILE_NAME}.unreadable`]);
    expect(await readFile(join(dataDir, `${STATE_FILE_NAME}.unreadable`), "utf8")).toBe(content);
  });

  it("keeps nothing on disk without a data folder", async () => {
    const sim = await start();
    expect(sim.stateFile).toBeUndefined();
    await peer(sim, "aws", { routeTableCidrBlock: "10.9.0.0/21" });
    expect(await readdir(dataDir)).toEqual([]);
  });
});
