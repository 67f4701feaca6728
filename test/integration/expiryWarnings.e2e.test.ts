import { afterEach, describe, expect, it, vi } from "vitest";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { optionsFromEnv } from "../../local/startOptions.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import { EXPIRING_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
import { changeApi, otherAccountPeer, otherAccountPeering, Transcript, until } from "./support/gatewayE2e.js";

/**
 * Expiry of an unaccepted AWS peering request, on the local stack over real sockets, without waiting 7 days:
 * the request's end is reached by the simulator reporting EXPIRED, or by moving the gateway's clock (only
 * `Date` is faked, and it keeps ticking: timers, sockets and the simulator's steps run in real time). No
 * production setting shortens AWS's 7 days. The peer is the one in the AWS account without a role for the
 * gateway (in the demo AWS peer's account, the gateway accepts at once).
 */

const TOKEN = "e2e-token-expiry-warnings-01";
const HOUR = 3_600_000;
let stack: LocalStack | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await stack?.close();
  stack = undefined;
});

async function start(): Promise<LocalStack> {
  const { onEvent: _printed, ...options } = optionsFromEnv({
    PORT: "0",
    ATLAS_SIM_PORT: "0",
    ATLAS_SIM_STEP_MS: "300",
    ATLAS_SIM_AUTO_ACCEPT: "false",
    GATEWAY_DEV_TOKEN: TOKEN,
    RECHECK_DELAY_SECONDS: "0.15",
    RECHECK_HUMAN_WAIT_MAX_SECONDS: "0.4",
    LOG_LEVEL: "SILENT",
  });
  stack = await startLocalStack({ ...options, sweepEveryMs: 500 });
  return stack;
}

async function submitAndWait(local: LocalStack) {
  const sim = local.simulator;
  if (!sim) throw new Error("the local stack has no embedded simulator");
  const api = changeApi(local.gatewayUrl, TOKEN, new Transcript());
  const submitted = await api.submit({
    groupId: sim.demo.groupId,
    peerId: otherAccountPeer(sim).peerId,
    peering: otherAccountPeering(sim, "10.30.0.0/21"),
  });
  expect(submitted.status).toBe(202);
  const id = (submitted.body as { id: string }).id;
  const waiting = await until(
    () => api.get(id),
    (change) => change.state === "WAITING_FOR_USER",
  );
  return { api, waiting, sim };
}

describe("an unaccepted AWS peering request on the local stack", () => {
  it("shows when it expires, warns 24 h and 1 h before through the bus and notify, once each", {
    timeout: 40_000,
  }, async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const local = await start();
    const { api, waiting } = await submitAndWait(local);
    expect(waiting.acceptByFrom).toBe("estimate");
    const acceptBy = Date.parse(waiting.acceptBy ?? "");
    expect(acceptBy - Date.now()).toBeGreaterThan(7 * 24 * HOUR - 60_000);

    const warnings = () =>
      local.cloud.eventBridge.published.filter((e) => e["detail-type"] === EXPIRING_DETAIL_TYPE);
    vi.setSystemTime(acceptBy - 24 * HOUR + 5_000);
    await until(warnings, (seen) => seen.length === 1);
    vi.setSystemTime(acceptBy - HOUR + 5_000);
    await until(warnings, (seen) => seen.length === 2);
    // Further checks inside the last hour send nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(warnings().map((e) => (e.detail as { hoursLeft: number }).hoursLeft)).toEqual([24, 1]);
    expect(warnings()[1]?.detail).toMatchObject({
      changeId: waiting.id,
      acceptBy: waiting.acceptBy,
      connectionId: waiting.atlas.connectionId,
      nextAction: expect.stringContaining(String(waiting.atlas.connectionId)),
    });
    const view = await api.get(waiting.id);
    expect(view.history.filter((t) => t.note?.startsWith("⏳")).map((t) => t.note)).toEqual([
      expect.stringContaining("expires in 24 h"),
      expect.stringContaining("expires in 1 h"),
    ]);
    // The notify function got each warning's event (its rule matches it): nothing waits for a re-drive.
    await local.cloud.eventBridge.settled();
    for (const event of warnings()) {
      const { changeId, version } = event.detail as { changeId: string; version: number };
      await until(
        () => local.deps.outbox.get(changeId, version),
        (left) => left === undefined,
      );
    }
  });

  it("that Atlas reports EXPIRED ends the change FAILED, saying so plainly with the way out", {
    timeout: 30_000,
  }, async () => {
    const local = await start();
    const { api, waiting, sim } = await submitAndWait(local);
    const failed = await fetch(`${sim.url}/__sim/peers/${otherAccountPeer(sim).peerId}/fail`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errorStateName: "EXPIRED" }),
    });
    expect(failed.status).toBe(200);
    const ended: ChangeView = await api.settled(waiting.id);
    expect(ended).toMatchObject({ state: "FAILED", atlas: { error: "EXPIRED" } });
    expect(ended.history.at(-1)?.note).toContain("the AWS peering request expired unaccepted after 7 days");
    expect(ended.remediation).toContain("send the change again with both awsAccountId and vpcId");
    expect(ended.acceptBy).toBeUndefined();
  });
});
