import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { PublishedChangeEvent } from "../../local/publishedEvents.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import { CHANGE_EVENT_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
import { awsPeering as demoAwsPeering } from "./support/gatewayE2e.js";

const FAST = { recheckDelayMs: 150, humanWaitMaxMs: 600 };
/**
 * Re-checks come from Scheduler's one-time schedules, whose `at()` has whole-second precision: with a fast
 * cadence they run about a second apart. Each simulated status lasts 1.5 s, so every one is seen.
 */
const STEP_MS = 1_500;
let sim: AtlasSimulator;
const stacks: LocalStack[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({ stepMs: STEP_MS });
});
afterAll(() => sim.close());
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  sim.reset();
});

/**
 * A local stack in front of the shared simulator, so the simulator outlives gateway restarts; `seen` is what
 * an `onEvent` subscriber to the gateway's bus was told.
 */
async function stack(options: LocalStackOptions = {}) {
  const seen: PublishedChangeEvent[] = [];
  const started = await startLocalStack({
    atlas: { baseUrl: sim.url, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY },
    devToken: "e2e-token-changes-0001",
    cadence: FAST,
    sweepEveryMs: 300,
    logLevel: "SILENT",
    onEvent: (event) => seen.push(event),
    ...options,
  });
  stacks.push(started);
  return Object.assign(started, { seen });
}

/** The change views among the published events (the bus also carries rejections). */
function changeViews(events: readonly PublishedChangeEvent[]): ChangeView[] {
  return events.flatMap((e) => (e.detailType === CHANGE_EVENT_DETAIL_TYPE ? [e.detail] : []));
}

function api(gatewayUrl: string) {
  const headers = { authorization: "Bearer e2e-token-changes-0001", "content-type": "application/json" };
  return {
    submit: async (peering: object) => {
      const { groupId, peers } = sim.demo;
      const body = JSON.stringify({ groupId, peerId: peers.aws.peerId, peering, reason: "e2e" });
      const response = await fetch(`${gatewayUrl}/v1/peering-changes`, { method: "POST", headers, body });
      return {
        status: response.status,
        location: response.headers.get("location"),
        body: (await response.json()) as { id: string; state: string },
      };
    },
    get: async (id: string) =>
      (await (await fetch(`${gatewayUrl}/v1/peering-changes/${id}`, { headers })).json()) as ChangeView,
  };
}

async function until(
  id: string,
  client: ReturnType<typeof api>,
  done: (c: ChangeView) => boolean,
  ms = 15_000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const change = await client.get(id);
    if (done(change) || Date.now() > end) return change;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function awsPeering() {
  return demoAwsPeering(sim, "10.9.0.0/21");
}

describe("following changes end to end (local stack, dynalite, simulator)", () => {
  it("follows an AWS change IN_PROGRESS → WAITING_FOR_USER → SUCCEEDED in seconds, with events", async () => {
    const local = await stack();
    const client = api(local.gatewayUrl);
    const submitted = await client.submit(awsPeering());
    expect(submitted).toMatchObject({ status: 202, body: { state: "IN_PROGRESS" } });
    expect(submitted.location).toBe(`/v1/peering-changes/${submitted.body.id}`);
    const final = await until(submitted.body.id, client, (c) => c.state === "SUCCEEDED");
    expect(final.state).toBe("SUCCEEDED");
    expect(final.history.map((h) => h.to)).toEqual(
      expect.arrayContaining(["IN_PROGRESS", "WAITING_FOR_USER", "SUCCEEDED"]),
    );
    // The event is published just after the state is stored: wait for it rather than race it.
    await vi.waitFor(() =>
      expect(changeViews(local.events).map((c) => c.state)).toEqual(["WAITING_FOR_USER", "SUCCEEDED"]),
    );
    expect(changeViews(local.events)[0]?.nextAction).toMatch(
      /^Accept VPC peering connection pcx-[0-9a-f]{17} in AWS account 123456789012, region us-east-1/,
    );
    // A subscriber on the bus is told the same events, delivered by the bus after they were put.
    await vi.waitFor(() => expect(changeViews(local.seen)).toEqual(changeViews(local.events)));
    // It was followed by Scheduler: one-time schedules that invoked the recheck function with {changeId, attempt}.
    const prefix = `recheck-${submitted.body.id}-`;
    const fired = local.cloud.scheduler.fired.filter((f) => f.schedule.name.startsWith(prefix));
    expect(fired.length).toBeGreaterThanOrEqual(2);
    for (const { schedule } of fired) {
      expect(schedule.input.Target?.Arn).toBe(local.cloud.env.RECHECK_FUNCTION_ARN);
      expect(JSON.parse(schedule.input.Target?.Input ?? "")).toEqual({
        changeId: submitted.body.id,
        attempt: Number(schedule.name.slice(prefix.length)),
      });
    }
  });

  it("re-sends a PATCH Atlas kept refusing with 503 until it is accepted", async () => {
    const local = await stack();
    sim.faults.inject({ status: 503, count: 6, match: { method: "PATCH" } });
    const client = api(local.gatewayUrl);
    const submitted = await client.submit(awsPeering());
    expect(submitted.body.state).toBe("RETRYING");
    const final = await until(submitted.body.id, client, (c) => c.state === "SUCCEEDED");
    expect(final.state).toBe("SUCCEEDED");
    expect(final.history[1]).toMatchObject({
      from: "RETRYING",
      to: "RETRYING",
      note: expect.stringMatching(/^Atlas unavailable/),
    });
    expect(sim.requests.filter((r) => r.method === "PATCH" && r.status === 200)).toHaveLength(1);
  });

  it("reports a peer that fails with REJECTED as FAILED with that reason", async () => {
    const local = await stack();
    const client = api(local.gatewayUrl);
    const submitted = await client.submit(awsPeering());
    sim.faults.failPeer(sim.demo.peers.aws.peerId, "REJECTED");
    const final = await until(submitted.body.id, client, (c) => c.state === "FAILED");
    expect(final).toMatchObject({ state: "FAILED", atlas: { status: "FAILED", error: "REJECTED" } });
    await vi.waitFor(() => expect(changeViews(local.events).at(-1)?.state).toBe("FAILED"));
  });

  it("times out at the deadline when nobody accepts", async () => {
    const waitingSim = await startAtlasSimulator({ stepMs: 100, autoAccept: false });
    try {
      const local = await stack({
        atlas: { baseUrl: waitingSim.url, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY },
        cadence: { ...FAST, deadlineMs: 1_500 },
      });
      const client = api(local.gatewayUrl);
      const submitted = await client.submit(awsPeering());
      const final = await until(submitted.body.id, client, (c) => c.state === "TIMED_OUT");
      expect(final.state).toBe("TIMED_OUT");
      expect(final.history.map((h) => h.to)).toContain("WAITING_FOR_USER");
    } finally {
      await waitingSim.close();
    }
  });

  it("resumes a change after the gateway is killed mid-way and restarted on the same data folder", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gw-data-"));
    try {
      const first = await stack({ dataDir, cadence: { recheckDelayMs: 2_000, humanWaitMaxMs: 2_000 } });
      const submitted = await api(first.gatewayUrl).submit(awsPeering());
      expect(submitted.body.state).toBe("IN_PROGRESS");
      const scheduled = first.cloud.scheduler.created.map((s) => String(s.Name));
      expect(scheduled).toEqual([`recheck-${submitted.body.id}-1`]);
      await first.close(); // its schedules die with its Scheduler stand-in: nothing in memory survives
      stacks.splice(stacks.indexOf(first), 1);
      const second = await stack({ dataDir, cadence: { recheckDelayMs: 150, humanWaitMaxMs: 600 } });
      const client = api(second.gatewayUrl);
      // Nothing schedules it in the new process: the sweeper finds it overdue (its check was due in 2 s).
      const final = await until(submitted.body.id, client, (c) => c.state === "SUCCEEDED", 20_000);
      expect(final.state).toBe("SUCCEEDED");
      // The lost schedule was never created again: the sweeper took the change up.
      expect(second.cloud.scheduler.created.map((s) => s.Name)).not.toContain(scheduled[0]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
